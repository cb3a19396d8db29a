CREATE TABLE `bot_messages` (
	`message_id` text PRIMARY KEY NOT NULL,
	`tenant_key` text NOT NULL,
	`task_id` integer NOT NULL,
	`chat_id` text,
	`sent_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `bot_messages_task` ON `bot_messages` (`task_id`);--> statement-breakpoint
CREATE TABLE `calendar_overrides` (
	`date` text PRIMARY KEY NOT NULL,
	`year` integer NOT NULL,
	`kind` text NOT NULL,
	`name` text
);
--> statement-breakpoint
CREATE INDEX `calendar_year` ON `calendar_overrides` (`year`);--> statement-breakpoint
CREATE TABLE `chats` (
	`chat_id` text PRIMARY KEY NOT NULL,
	`tenant_key` text NOT NULL,
	`name` text,
	`chat_type` text DEFAULT 'group' NOT NULL,
	`owner_id` text,
	`settings` text DEFAULT '{}' NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `chats_tenant` ON `chats` (`tenant_key`);--> statement-breakpoint
CREATE TABLE `counters` (
	`tenant_key` text PRIMARY KEY NOT NULL,
	`last_number` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE `inbox` (
	`event_id` text PRIMARY KEY NOT NULL,
	`message_id` text,
	`tenant_key` text NOT NULL,
	`kind` text NOT NULL,
	`payload` text NOT NULL,
	`received_at` integer NOT NULL,
	`processed_at` integer,
	`attempts` integer DEFAULT 0 NOT NULL,
	`lease_until` integer,
	`error` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `inbox_message` ON `inbox` (`message_id`);--> statement-breakpoint
CREATE INDEX `inbox_pending` ON `inbox` (`processed_at`,`received_at`);--> statement-breakpoint
CREATE TABLE `outbox` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`uuid` text NOT NULL,
	`tenant_key` text NOT NULL,
	`kind` text NOT NULL,
	`rate_key` text NOT NULL,
	`body` text NOT NULL,
	`bytes` blob,
	`task_id` integer,
	`status` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`lease_until` integer,
	`last_error` text,
	`created_at` integer NOT NULL,
	`sent_at` integer,
	`result_message_id` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `outbox_uuid` ON `outbox` (`uuid`);--> statement-breakpoint
CREATE INDEX `outbox_due` ON `outbox` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE TABLE `sends` (
	`key` text PRIMARY KEY NOT NULL,
	`tenant_key` text NOT NULL,
	`task_id` integer,
	`kind` text NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `subscriptions` (
	`tenant_key` text NOT NULL,
	`user_id` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`tenant_key`, `user_id`)
);
--> statement-breakpoint
CREATE TABLE `task_assignees` (
	`task_id` integer NOT NULL,
	`user_id` text NOT NULL,
	`role` text NOT NULL,
	`accepted_at` integer,
	`position` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`task_id`, `user_id`)
);
--> statement-breakpoint
CREATE INDEX `assignees_user` ON `task_assignees` (`user_id`);--> statement-breakpoint
CREATE TABLE `task_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`tenant_key` text NOT NULL,
	`task_id` integer NOT NULL,
	`seq` integer NOT NULL,
	`kind` text NOT NULL,
	`actor_id` text NOT NULL,
	`payload` text NOT NULL,
	`at` integer NOT NULL,
	`prev_hash` text NOT NULL,
	`hash` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `events_task_seq` ON `task_events` (`task_id`,`seq`);--> statement-breakpoint
CREATE INDEX `events_tenant_at` ON `task_events` (`tenant_key`,`at`);--> statement-breakpoint
CREATE TABLE `tasks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`tenant_key` text NOT NULL,
	`number` integer NOT NULL,
	`title` text NOT NULL,
	`detail` text,
	`category` text,
	`source` text,
	`priority` text DEFAULT 'normal' NOT NULL,
	`state` text NOT NULL,
	`creator_id` text NOT NULL,
	`supervisor_id` text,
	`chat_id` text NOT NULL,
	`due_at` integer,
	`original_due_at` integer,
	`revisit_at` integer,
	`percent` integer,
	`last_progress_at` integer,
	`last_progress_text` text,
	`pending_extension` text,
	`extension_count` integer DEFAULT 0 NOT NULL,
	`return_count` integer DEFAULT 0 NOT NULL,
	`chase_count` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`accepted_at` integer,
	`submitted_at` integer,
	`done_at` integer,
	`cancelled_at` integer,
	`card_message_id` text,
	`card_sent_at` integer,
	`version` integer DEFAULT 0 NOT NULL,
	`is_open` integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `tasks_tenant_number` ON `tasks` (`tenant_key`,`number`);--> statement-breakpoint
CREATE INDEX `tasks_open_due` ON `tasks` (`is_open`,`due_at`);--> statement-breakpoint
CREATE INDEX `tasks_chat` ON `tasks` (`tenant_key`,`chat_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `tasks_revisit` ON `tasks` (`revisit_at`);--> statement-breakpoint
CREATE INDEX `tasks_state_created` ON `tasks` (`state`,`created_at`);--> statement-breakpoint
CREATE INDEX `tasks_open_activity` ON `tasks` (`is_open`,(CASE WHEN "last_progress_at" IS NOT NULL THEN "last_progress_at" WHEN "accepted_at" IS NOT NULL THEN "accepted_at" ELSE "created_at" END));--> statement-breakpoint
CREATE TABLE `users` (
	`open_id` text PRIMARY KEY NOT NULL,
	`tenant_key` text NOT NULL,
	`name` text NOT NULL,
	`department_id` text,
	`department_name` text,
	`p2p_chat_id` text,
	`fetched_at` integer NOT NULL
);
