DROP TABLE IF EXISTS mvr_reviews;
DROP FUNCTION IF EXISTS bump_by_mvr_review();
