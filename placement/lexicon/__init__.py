"""A partnership's own everyday words, edited by its coordinators, added to the project's lexicon for matching."""
