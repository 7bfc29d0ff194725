"""Geographic helpers: Danish postcodes and distances."""

from placement.geo.postcodes import Postcode, distance_km, load_postcodes, lookup, lookup_known, postcode_distance_km

__all__ = ["Postcode", "distance_km", "load_postcodes", "lookup", "lookup_known", "postcode_distance_km"]
