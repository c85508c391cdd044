//! The console bundle.
fn main() {
    synapse_console::start_console();
}
