//! Question banks: parsing, the shipped banks, selection.
