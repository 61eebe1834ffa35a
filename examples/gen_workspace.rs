//! Writes a benchmark workspace.
//!
//!     cargo run --release --example gen_workspace -- DIR [medium|large|huge]
use bench_workspace::{Size, generate};

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next() else {
        eprintln!("usage: gen_workspace DIR [medium|large|huge]");
        std::process::exit(2);
    };
    let size = match args.next().as_deref() {
        None | Some("medium") => Size::MEDIUM,
        Some("large") => Size::LARGE,
        Some("huge") => Size::HUGE,
        Some(other) => {
            eprintln!("unknown size {other:?}: use medium, large or huge");
            std::process::exit(2);
        }
    };
    let t = std::time::Instant::now();
    if let Err(e) =
        std::fs::create_dir_all(&dir).and_then(|_| generate(std::path::Path::new(&dir), &size))
    {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
    eprintln!("wrote {dir} ({size:?}) in {:?}", t.elapsed());
}
