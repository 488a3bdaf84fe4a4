"""Collecting: fetch Hugging Face Daily Papers from the Hub's API into the landing zone."""
