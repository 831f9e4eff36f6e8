DROP TABLE talking_points;
