DROP INDEX conferences_held_load_idx;
