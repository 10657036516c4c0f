//! What an operator's site says: the configuration repository (YAML 1.1, vault), the INI
//! inventory and the facts directory collected from the cloud. Read by `check` and `plan`.

pub mod config;
pub mod effective;
mod error;
pub mod facts;
pub mod gitignore;
pub mod inventory;
pub mod jinja;
pub mod vault;

pub use error::EvidenceError;
