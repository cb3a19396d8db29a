CREATE TABLE `person_uses` (
	`key` text NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `person_uses_key_at` ON `person_uses` (`key`,`at`);