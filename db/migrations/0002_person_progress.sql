ALTER TABLE `task_assignees` ADD `progress` text;--> statement-breakpoint
ALTER TABLE `tasks` ADD `last_return` text;