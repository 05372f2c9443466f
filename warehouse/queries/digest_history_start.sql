-- When the warehouse's history starts: the first time any story was seen (spikes need 7 days before today).
SELECT min(first_seen) FROM digest_stories;
