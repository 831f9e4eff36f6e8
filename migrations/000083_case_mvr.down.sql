DROP TABLE case_mvr;
