//! The sign-in bundle: a smaller wasm that loads only what signing in needs.
fn main() {
    synapse_console::start_sign_in();
}
