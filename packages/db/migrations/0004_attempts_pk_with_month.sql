-- delivery_attempts' primary key includes its partition key (created_at): a partitioned table's
-- unique constraints must. The partitioning itself is the custom migration that follows.
ALTER TABLE "delivery_attempts" DROP CONSTRAINT "delivery_attempts_pkey";--> statement-breakpoint
ALTER TABLE "delivery_attempts" ADD CONSTRAINT "delivery_attempts_id_created_at_pk" PRIMARY KEY("id","created_at");
