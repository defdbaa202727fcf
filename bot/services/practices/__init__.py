"""The bank of practices: publishing, moderation, finding and using what colleagues share."""
