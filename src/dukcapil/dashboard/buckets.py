"""The fixed buckets of the stage-time histograms (shared by the models and the rollup code)."""

# Upper bounds (hours) of the duration buckets; the last bucket is open ("more than 720 h").
BUCKET_HOURS = (1, 2, 4, 8, 12, 24, 36, 48, 72, 96, 120, 168, 240, 336, 504, 720)
BUCKET_FIELDS = tuple(f"b{i:02d}" for i in range(len(BUCKET_HOURS) + 1))


def bucket_of(hours: float) -> int:
    for i, bound in enumerate(BUCKET_HOURS):
        if hours <= bound:
            return i
    return len(BUCKET_HOURS)
