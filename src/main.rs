fn main() {
    synapse_console::start();
}
