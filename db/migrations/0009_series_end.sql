ALTER TABLE `series` ADD `end_ymd` text;--> statement-breakpoint
ALTER TABLE `series` ADD `end_count` integer;