CREATE TABLE `bot_message_tasks` (
	`message_id` text NOT NULL,
	`tenant_key` text NOT NULL,
	`task_id` integer NOT NULL,
	PRIMARY KEY(`message_id`, `task_id`)
);
