CREATE TABLE `feedback_cadences` (
	`task_id` integer PRIMARY KEY NOT NULL,
	`tenant_key` text NOT NULL,
	`chat_id` text NOT NULL,
	`rule` text NOT NULL,
	`set_by` text NOT NULL,
	`set_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `feedback_chat` ON `feedback_cadences` (`tenant_key`,`chat_id`);--> statement-breakpoint
CREATE TABLE `series` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`tenant_key` text NOT NULL,
	`chat_id` text NOT NULL,
	`creator_id` text NOT NULL,
	`lead_id` text NOT NULL,
	`co_ids` text NOT NULL,
	`title` text NOT NULL,
	`category` text,
	`source` text,
	`priority` text DEFAULT 'normal' NOT NULL,
	`rule` text NOT NULL,
	`lead_workdays` integer NOT NULL,
	`feedback` text,
	`start_ymd` text NOT NULL,
	`state` text DEFAULT 'active' NOT NULL,
	`created_at` integer NOT NULL,
	`cancelled_at` integer,
	`cancelled_by` text
);
--> statement-breakpoint
CREATE INDEX `series_state` ON `series` (`state`);--> statement-breakpoint
CREATE INDEX `series_chat` ON `series` (`tenant_key`,`chat_id`);--> statement-breakpoint
CREATE TABLE `series_tasks` (
	`series_id` integer NOT NULL,
	`period` text NOT NULL,
	`task_id` integer NOT NULL,
	PRIMARY KEY(`series_id`, `period`)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `series_tasks_task` ON `series_tasks` (`task_id`);