//! One use case per command: a request in, a report out. Sees every layer below, so the
//! schema registry of all data files lives here too.

pub mod schema;
