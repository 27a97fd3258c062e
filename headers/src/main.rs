//! `make headers`: writes both C headers into `include/` (commit the result).

fn main() {
    let include = lightseg_headers::crate_dir().join("include");
    for (name, text) in lightseg_headers::headers() {
        let path = include.join(name);
        if let Err(error) = std::fs::write(&path, text) {
            eprintln!("lightseg-headers: cannot write {}: {error}", path.display());
            std::process::exit(1);
        }
        println!("wrote {}", path.display());
    }
}
