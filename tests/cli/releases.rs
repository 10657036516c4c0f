//! releases list/show/diff/import
