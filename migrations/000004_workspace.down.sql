DROP INDEX IF EXISTS performance_notes_author_idx;
DROP TABLE IF EXISTS emergent_requests;
