-- 0002: deduplication and story tracking. Copies are kept and linked, never deleted.
-- Levels: same URL (article_id), same text (articles.same_text_as), near-copy (cluster_id: MinHash/LSH),
-- same story in other words (story_id), revisions (article_revisions).
-- The LSH band and story posting lists live beside the warehouse in <warehouse>.dedup.sqlite: a derived
-- index rebuilt from dedup_signatures whenever it is missing or behind (see warehouse/dedup.py and docs/dedup.md).
-- No FOREIGN KEY to articles (0001's header says why); warehouse/dedup.py keeps the links in the load transaction.

ALTER TABLE articles ADD COLUMN cluster_id VARCHAR;
ALTER TABLE articles ADD COLUMN copy_of VARCHAR;
ALTER TABLE articles ADD COLUMN similarity DOUBLE;
ALTER TABLE articles ADD COLUMN containment DOUBLE;
ALTER TABLE articles ADD COLUMN copy_diff JSON;
ALTER TABLE articles ADD COLUMN story_id VARCHAR;
ALTER TABLE articles ADD COLUMN story_score DOUBLE;
UPDATE articles SET cluster_id = article_id, story_id = article_id;

COMMENT ON COLUMN articles.cluster_id IS 'Near-copy cluster (syndicated and lightly edited copies of one text): the article_id of its canonical copy, the earliest first_seen.';
COMMENT ON COLUMN articles.copy_of IS 'The canonical copy this article was compared with when it joined its cluster; NULL for a canonical copy.';
COMMENT ON COLUMN articles.similarity IS 'Estimated Jaccard similarity (MinHash, word 5-shingles) with copy_of; 1.0 for a canonical copy.';
COMMENT ON COLUMN articles.containment IS 'Estimated share of the shorter of the two texts found in the other (a trimmed copy scores near 1).';
COMMENT ON COLUMN articles.copy_diff IS 'JSON: what this copy changes from copy_of: headline (title.canonical/title.copy), paragraphs_added, paragraphs_removed, paragraphs_edited.';
COMMENT ON COLUMN articles.story_id IS 'Same event told in other words: the article_id of the story''s first article. Copies share their canonical copy''s story.';
COMMENT ON COLUMN articles.story_score IS 'Share of the smaller story fingerprint matched when the article joined an existing story; NULL when it started one.';

CREATE SEQUENCE dedup_signatures_seq;
CREATE TABLE dedup_signatures (
    seq            BIGINT NOT NULL DEFAULT nextval('dedup_signatures_seq'),
    article_id     VARCHAR NOT NULL,
    scheme         VARCHAR NOT NULL,
    minhash        BLOB NOT NULL,
    shingles       INTEGER NOT NULL,
    story_features VARCHAR[] NOT NULL,
    story_day      INTEGER NOT NULL,
    is_copy        BOOLEAN NOT NULL,
    computed_at    TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE dedup_signatures IS 'The authoritative fingerprints of every article''s current revision (one row per article; a revision replaces it with a higher seq). The LSH index beside the warehouse is rebuilt from here.';
COMMENT ON COLUMN dedup_signatures.seq IS 'Increasing write number: the index beside the warehouse catches up on rows above its high-water mark.';
COMMENT ON COLUMN dedup_signatures.article_id IS 'The article.';
COMMENT ON COLUMN dedup_signatures.scheme IS 'Signature scheme (parsers.dedup.SCHEME); a change means the signatures must be recomputed.';
COMMENT ON COLUMN dedup_signatures.minhash IS '64 one-permutation MinHash values of the body''s word 5-shingles, little-endian uint32 (256 bytes).';
COMMENT ON COLUMN dedup_signatures.shingles IS 'Number of distinct 5-shingles in the body (for containment estimates).';
COMMENT ON COLUMN dedup_signatures.story_features IS 'Story fingerprint: figure:, person:, name:, quote:, org:, place: features of the event.';
COMMENT ON COLUMN dedup_signatures.story_day IS 'Days since 1970-01-01 of publication (or first_seen): stories only merge within a few days.';
COMMENT ON COLUMN dedup_signatures.is_copy IS 'TRUE when the article is a near-copy: its story features are not posted (its canonical copy''s are).';
COMMENT ON COLUMN dedup_signatures.computed_at IS 'When the fingerprints were computed (UTC).';

CREATE TABLE dedup_clusters (
    cluster_id           VARCHAR PRIMARY KEY,
    canonical_article_id VARCHAR NOT NULL,
    created_at           TIMESTAMPTZ NOT NULL,
    merged_into          VARCHAR,
    merged_at            TIMESTAMPTZ
);
COMMENT ON TABLE dedup_clusters IS 'Every near-copy cluster ever formed, with its lineage: a cluster absorbed by an older one keeps its row and says where it went.';
COMMENT ON COLUMN dedup_clusters.cluster_id IS 'The cluster: article_id of the copy that started it.';
COMMENT ON COLUMN dedup_clusters.canonical_article_id IS 'The canonical copy (earliest first_seen) when the cluster was formed.';
COMMENT ON COLUMN dedup_clusters.created_at IS 'When the cluster was formed (UTC).';
COMMENT ON COLUMN dedup_clusters.merged_into IS 'The cluster it was merged into when a later copy matched both; NULL while it is live.';
COMMENT ON COLUMN dedup_clusters.merged_at IS 'When it was merged (UTC).';

CREATE TABLE dedup_stories (
    story_id         VARCHAR PRIMARY KEY,
    first_article_id VARCHAR NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL,
    merged_into      VARCHAR,
    merged_at        TIMESTAMPTZ
);
COMMENT ON TABLE dedup_stories IS 'Every story (one event, all its accounts) ever formed, with its lineage: merged stories keep their row.';
COMMENT ON COLUMN dedup_stories.story_id IS 'The story: article_id of the article that started it.';
COMMENT ON COLUMN dedup_stories.first_article_id IS 'The article that started it.';
COMMENT ON COLUMN dedup_stories.created_at IS 'When the story was formed (UTC).';
COMMENT ON COLUMN dedup_stories.merged_into IS 'The story it was merged into when a later article matched both; NULL while it is live.';
COMMENT ON COLUMN dedup_stories.merged_at IS 'When it was merged (UTC).';

INSERT INTO dedup_clusters SELECT article_id, article_id, first_seen, NULL, NULL FROM articles;
INSERT INTO dedup_stories SELECT article_id, article_id, first_seen, NULL, NULL FROM articles;
