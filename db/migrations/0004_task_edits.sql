ALTER TABLE `tasks` ADD `last_edit` text;--> statement-breakpoint
ALTER TABLE `tasks` ADD `origin` text;