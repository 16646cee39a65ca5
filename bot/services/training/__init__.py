"""User training (用户培训): courses, sessions L, trainees, attendance, scores."""
