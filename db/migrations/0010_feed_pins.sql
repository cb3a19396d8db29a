CREATE TABLE `feed_pins` (
	`chat_id` text NOT NULL,
	`user_id` text NOT NULL,
	`tenant_key` text NOT NULL,
	`pinned_at` integer NOT NULL,
	PRIMARY KEY(`chat_id`, `user_id`)
);
