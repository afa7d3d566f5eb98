//! L2 rules, with no storage in sight: the entry format ([`envelope`]), the byte limit
//! ([`byte_budget`]), the write-behind queue ([`write_queue`]), outages and back-off
//! ([`health`]), lazy hydration ([`hydration`]), a client's namespace and its index
//! ([`namespace`]) and the order of changes tabs agree on ([`order`]). The host runs
//! the actual storage calls.

pub mod byte_budget;
pub mod envelope;
pub mod health;
pub mod hydration;
pub mod namespace;
pub mod order;
pub mod write_queue;
