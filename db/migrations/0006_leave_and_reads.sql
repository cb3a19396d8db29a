CREATE TABLE `deputies` (
	`tenant_key` text NOT NULL,
	`user_id` text NOT NULL,
	`deputies` text NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`tenant_key`, `user_id`)
);
--> statement-breakpoint
CREATE TABLE `leave_approvals` (
	`tenant_key` text NOT NULL,
	`approval_code` text NOT NULL,
	`subscribed_at` integer,
	`last_error` text,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`tenant_key`, `approval_code`)
);
--> statement-breakpoint
CREATE TABLE `leaves` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`tenant_key` text NOT NULL,
	`user_id` text NOT NULL,
	`start_at` integer NOT NULL,
	`end_at` integer NOT NULL,
	`deputies` text DEFAULT '[]' NOT NULL,
	`source` text NOT NULL,
	`instance_code` text,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`ended_at` integer,
	`briefed_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `leaves_instance` ON `leaves` (`tenant_key`,`instance_code`);--> statement-breakpoint
CREATE INDEX `leaves_user` ON `leaves` (`tenant_key`,`user_id`);--> statement-breakpoint
CREATE INDEX `leaves_end` ON `leaves` (`end_at`);--> statement-breakpoint
CREATE TABLE `message_reads` (
	`message_id` text NOT NULL,
	`reader_id` text NOT NULL,
	`read_at` integer NOT NULL,
	PRIMARY KEY(`message_id`, `reader_id`)
);
--> statement-breakpoint
CREATE TABLE `reminder_messages` (
	`message_id` text NOT NULL,
	`task_id` integer NOT NULL,
	`tenant_key` text NOT NULL,
	`kind` text NOT NULL,
	`chat_id` text,
	`recipients` text NOT NULL,
	`sent_at` integer NOT NULL,
	`polled_at` integer,
	PRIMARY KEY(`message_id`, `task_id`)
);
--> statement-breakpoint
CREATE INDEX `reminder_messages_task` ON `reminder_messages` (`task_id`,`sent_at`);--> statement-breakpoint
CREATE INDEX `reminder_messages_sent` ON `reminder_messages` (`sent_at`);