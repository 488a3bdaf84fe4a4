"""Landing zone: raw files, scrape times, decoding, format detection, one parser per format."""
