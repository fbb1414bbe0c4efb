//! Chapter 6's tests that need nothing built: the description the stack is made from, the
//! prices and the pictures. The tests of the package, the image and the template are in `tests/e2e/`.

mod description;
mod pictures;
mod prices;
mod what_ships;
