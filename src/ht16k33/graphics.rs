//! Drawing on matrix chains: a [`Frame`] of matrices is an embedded-graphics
//! [`DrawTarget`] of [`Color`], so its primitives (lines, rectangles, circles) and its
//! monospaced fonts draw on any chain of 8x8, bicolour 8x8 or 16x8 backpacks, rotated or
//! not. The methods here are the shapes Adafruit_GFX offers, with its geometry: a circle
//! of radius r is 2r + 1 pixels across, a line includes both ends, a rectangle's
//! outline is one pixel wide inside its size. Pixels off the display are clipped;
//! coordinates, sizes and radii reach +-4095 (beyond: EINVAL).
//!
//! Text uses embedded-graphics' 5x8 font (ASCII, each character 5 pixels across with
//! its own spacing, descenders on the eighth row): three characters on a 16x8 matrix,
//! one on an 8x8, more on chains.

use embedded_graphics::mono_font::ascii::FONT_5X8;
use embedded_graphics::mono_font::{MonoFont, MonoTextStyle};
use embedded_graphics::pixelcolor::PixelColor;
use embedded_graphics::prelude::{
    Dimensions, DrawTarget, OriginDimensions, Pixel, Point, PointsIter, Primitive, Size,
};
use embedded_graphics::primitives::{Circle, Line, PrimitiveStyle, Rectangle};
use embedded_graphics::text::{Baseline, Text};
use embedded_graphics::Drawable;

use super::backpack::{Color, Surface};
use super::frame::Frame;
use crate::error::{Error, Result};

/// The font of text on matrices.
pub const MATRIX_FONT: &MonoFont<'static> = &FONT_5X8;

/// Pixels each character of [`MATRIX_FONT`] takes across (its spacing included).
pub const CHARACTER_WIDTH: usize = 5;

/// The colour text and scrolling light on a matrix: green on the bicolour 8x8, the only
/// colour on the others.
pub const TEXT_COLOR: Color = Color::Green;

impl PixelColor for Color {
    // Colours are not stored as raw bits by embedded-graphics here: the frame maps them.
    type Raw = ();
}

impl OriginDimensions for Frame {
    /// Pixels across and down the chain as rotated (0 x 0 for kinds without pixels).
    fn size(&self) -> Size {
        let (across, down) = self.pixel_size();
        Size::new(across as u32, down as u32)
    }
}

impl DrawTarget for Frame {
    type Color = Color;
    type Error = Error;

    /// Sets each pixel that is on the display; the others are clipped.
    fn draw_iter<I>(&mut self, pixels: I) -> Result<()>
    where
        I: IntoIterator<Item = Pixel<Color>>,
    {
        let area = self.bounding_box();
        for (x, y, color) in visible(area, pixels) {
            self.set_pixel(x, y, color)?;
        }
        Ok(())
    }

    /// Sets the part of `area` that is on the display: a shape far larger than the
    /// display costs what its visible part does (rectangles and each row of a circle
    /// arrive here).
    fn fill_solid(&mut self, area: &Rectangle, color: Color) -> Result<()> {
        let visible = area.intersection(&self.bounding_box());
        self.draw_iter(visible.points().map(|point| Pixel(point, color)))
    }
}

/// The pixels of `pixels` inside `area` (which starts at the origin), as unsigned
/// coordinates: what a draw target keeps of what it is given.
fn visible<I>(area: Rectangle, pixels: I) -> impl Iterator<Item = (usize, usize, Color)>
where
    I: IntoIterator<Item = Pixel<Color>>,
{
    pixels.into_iter().filter_map(move |Pixel(point, color)| {
        area.contains(point)
            .then(|| {
                Some((
                    usize::try_from(point.x).ok()?,
                    usize::try_from(point.y).ok()?,
                    color,
                ))
            })
            .flatten()
    })
}

/// How far coordinates, sizes and radii reach: +-4095 pixels, 32 times the longest
/// chain (128 pixels), and well inside what embedded-graphics' 32-bit arithmetic draws
/// without overflow (measured: a diagonal line up to 11,584 pixels across each way, a
/// horizontal one up to 15,446). Beyond it EINVAL, where Adafruit_GFX's `int16_t` would
/// wrap round.
const REACH: i32 = 4095;

/// `value` when it lies within [`REACH`] of the origin.
fn within_reach(value: i32, what: &'static str) -> Result<i32> {
    match value.checked_abs() {
        Some(magnitude) if magnitude <= REACH => Ok(value),
        _ => Err(Error::InvalidArgument(what)),
    }
}

/// A point given as (`x`, `y`), each within [`REACH`].
fn point_of((x, y): (i32, i32)) -> Result<Point> {
    Ok(Point::new(
        within_reach(x, "x coordinate (beyond +-4095)")?,
        within_reach(y, "y coordinate (beyond +-4095)")?,
    ))
}

/// A length of at most [`REACH`] pixels.
fn length_of(value: u32, what: &'static str) -> Result<u32> {
    match value <= REACH as u32 {
        true => Ok(value),
        false => Err(Error::InvalidArgument(what)),
    }
}

/// Whether `text` has a shape for every character in [`MATRIX_FONT`] (printable ASCII;
/// embedded-graphics would draw any other as `?`).
fn check_font(text: &str) -> Result<()> {
    match text.chars().find(|c| !(' '..='~').contains(c)) {
        Some(c) => Err(Error::NoGlyph(c)),
        None => Ok(()),
    }
}

/// Pixels across `text` takes in [`MATRIX_FONT`].
pub fn text_width(text: &str) -> usize {
    text.chars().count() * CHARACTER_WIDTH
}

impl Frame {
    /// Fails with EINVAL unless the chain is of matrices.
    fn matrix_only(&self) -> Result<()> {
        match self.kind().surface() {
            Surface::Pixels { .. } => Ok(()),
            _ => Err(Error::InvalidArgument("backpack kind (not a matrix)")),
        }
    }

    /// Sets every pixel of the chain to `color` (`Off` blanks it).
    pub fn fill(&mut self, color: Color) -> Result<()> {
        self.matrix_only()?;
        DrawTarget::clear(self, color)
    }

    /// A line from (`x0`, `y0`) to (`x1`, `y1`), both ends included (Bresenham, as
    /// Adafruit_GFX draws it). Ends may lie off the display: what is on it is drawn.
    pub fn draw_line(&mut self, from: (i32, i32), to: (i32, i32), color: Color) -> Result<()> {
        self.matrix_only()?;
        Line::new(point_of(from)?, point_of(to)?)
            .into_styled(PrimitiveStyle::with_stroke(color, 1))
            .draw(self)
    }

    /// A rectangle `width` x `height` pixels with its top left corner at (`x`, `y`): its
    /// one-pixel outline, or filled. A zero width or height draws nothing.
    pub fn draw_rect(
        &mut self,
        corner: (i32, i32),
        size: (u32, u32),
        color: Color,
        filled: bool,
    ) -> Result<()> {
        self.matrix_only()?;
        let size = Size::new(
            length_of(size.0, "width (beyond 4095)")?,
            length_of(size.1, "height (beyond 4095)")?,
        );
        Rectangle::new(point_of(corner)?, size)
            .into_styled(style(color, filled))
            .draw(self)
    }

    /// A circle centred on (`x`, `y`) with radius `radius` (2 x `radius` + 1 pixels
    /// across, as Adafruit_GFX's): its outline, or filled. Radius 0 is one pixel.
    pub fn draw_circle(
        &mut self,
        center: (i32, i32),
        radius: u32,
        color: Color,
        filled: bool,
    ) -> Result<()> {
        self.matrix_only()?;
        let diameter = 2 * length_of(radius, "radius (beyond 4095)")? + 1;
        Circle::with_center(point_of(center)?, diameter)
            .into_styled(style(color, filled))
            .draw(self)
    }

    /// Moves the whole picture `dx` pixels right (negative: left) and `dy` down
    /// (negative: up). What leaves one edge comes in at the other when `wrap`; otherwise
    /// it is lost and the pixels left behind are dark.
    pub fn shift(&mut self, dx: i32, dy: i32, wrap: bool) -> Result<()> {
        self.matrix_only()?;
        let (across, down) = self.pixel_size();
        let before = self.clone();
        let source = |position: usize, delta: i32, length: usize| -> Option<usize> {
            let from = position as i64 - i64::from(delta);
            let length = length as i64;
            match wrap {
                true => Some(from.rem_euclid(length) as usize),
                false => usize::try_from(from)
                    .ok()
                    .filter(|from| (*from as i64) < length),
            }
        };
        for y in 0..down {
            for x in 0..across {
                let color = match (source(x, dx, across), source(y, dy, down)) {
                    (Some(from_x), Some(from_y)) => before.pixel(from_x, from_y)?,
                    _ => Color::Off,
                };
                self.set_pixel(x, y, color)?;
            }
        }
        Ok(())
    }

    /// Draws `text` in [`MATRIX_FONT`] with the top left of its first character at
    /// (`x`, `y`), lit pixels in `color`, the pixels between strokes left as they are;
    /// what falls off the display is clipped (Adafruit_GFX's `setCursor` and `print`).
    /// EILSEQ for a character outside printable ASCII (nothing drawn).
    pub fn draw_text(&mut self, corner: (i32, i32), text: &str, color: Color) -> Result<()> {
        self.matrix_only()?;
        check_font(text)?;
        let style = MonoTextStyle::new(MATRIX_FONT, color);
        Text::with_baseline(text, point_of(corner)?, style, Baseline::Top)
            .draw(self)
            .map(drop)
    }

    /// `text` on a blank matrix chain, from the left edge (`right`: ending at the right
    /// edge) at the top, in [`TEXT_COLOR`]. ERANGE when it is wider than the chain
    /// (scroll it instead), EILSEQ for a character the font lacks; nothing changes then.
    pub(super) fn print_pixels(&mut self, text: &str, right: bool) -> Result<()> {
        self.matrix_only()?;
        check_font(text)?;
        let (across, _) = self.pixel_size();
        let width = text_width(text);
        if width > across {
            return Err(Error::DoesNotFit(
                text.to_string(),
                across / CHARACTER_WIDTH,
            ));
        }
        let x = if right { across - width } else { 0 };
        self.clear();
        self.draw_text((x as i32, 0), text, TEXT_COLOR)
    }
}

/// A one-pixel outline in `color`, or a fill.
fn style(color: Color, filled: bool) -> PrimitiveStyle<Color> {
    match filled {
        true => PrimitiveStyle::with_fill(color),
        false => PrimitiveStyle::with_stroke(color, 1),
    }
}

/// `text` in [`MATRIX_FONT`] as columns of pixels, left to right: bit `y` of a column
/// is row `y` from the top. What a marquee moves across a matrix chain.
pub fn text_columns(text: &str) -> Result<Vec<u16>> {
    check_font(text)?;
    let mut strip = Strip(vec![0; text_width(text)]);
    let style = MonoTextStyle::new(MATRIX_FONT, TEXT_COLOR);
    Text::with_baseline(text, Point::zero(), style, Baseline::Top).draw(&mut strip)?;
    Ok(strip.0)
}

/// A row of pixel columns (at most 16 rows) to draw text into.
struct Strip(Vec<u16>);

impl OriginDimensions for Strip {
    fn size(&self) -> Size {
        Size::new(self.0.len() as u32, u16::BITS)
    }
}

impl DrawTarget for Strip {
    type Color = Color;
    type Error = Error;

    fn draw_iter<I>(&mut self, pixels: I) -> Result<()>
    where
        I: IntoIterator<Item = Pixel<Color>>,
    {
        let area = self.bounding_box();
        // Text is drawn without a background: only lit pixels arrive.
        for (x, y, color) in visible(area, pixels) {
            if color != Color::Off {
                self.0[x] |= 1 << y;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ht16k33::{BackpackKind, Rotation};

    fn frame(kind: BackpackKind, count: usize) -> Frame {
        Frame::new(kind, count).expect("frame")
    }

    fn picture(rows: &[&str]) -> String {
        rows.join("\n")
    }

    #[test]
    fn a_circle_is_two_r_plus_one_across_and_shifts_without_wrapping() {
        let mut matrix = frame(BackpackKind::Matrix8x8, 1);
        matrix
            .draw_circle((3, 3), 3, Color::Green, false)
            .expect("circle");
        let circle = [
            "..###...", ".#...#..", "#.....#.", "#.....#.", "#.....#.", ".#...#..", "..###...",
            "........",
        ];
        assert_eq!(matrix.shows(), picture(&circle));
        matrix.shift(2, 1, false).expect("shift");
        let shifted = [
            "........", "....###.", "...#...#", "..#.....", "..#.....", "..#.....", "...#...#",
            "....###.",
        ];
        assert_eq!(matrix.shows(), picture(&shifted));
        matrix.shift(-2, -1, true).expect("shift back");
        // The circle's right column went off the edge in the first shift: it is lost.
        let mut lost = circle;
        lost[2..=4].fill("#.......");
        assert_eq!(matrix.shows(), picture(&lost));
    }

    #[test]
    fn text_columns_are_the_pixels_text_draws() {
        let mut matrix = frame(BackpackKind::Matrix8x8, 1);
        matrix.draw_text((0, 0), "Q", Color::Green).expect("text");
        let drawn: Vec<u16> = (0..5)
            .map(|x| {
                (0..8)
                    .filter(|y| matrix.pixel(x, *y).ok() == Some(Color::Green))
                    .fold(0u16, |column, y| column | 1 << y)
            })
            .collect();
        assert_eq!(text_columns("Q").ok(), Some(drawn));
        assert!(matches!(text_columns("\u{e9}"), Err(Error::NoGlyph(_))));
    }

    #[test]
    fn shift_without_wrap_loses_what_leaves_and_darkens_what_it_leaves() {
        let mut matrix = frame(BackpackKind::Matrix8x8, 1);
        matrix.set_pixel(7, 7, Color::Green).expect("pixel");
        matrix.set_pixel(0, 0, Color::Green).expect("pixel");
        matrix.shift(-1, -1, false).expect("shift");
        assert_eq!(matrix.pixel(6, 6).ok(), Some(Color::Green));
        assert_eq!(matrix.pixel(7, 7).ok(), Some(Color::Off), "nothing came in");
        assert_eq!(
            matrix.pixel(0, 0).ok(),
            Some(Color::Off),
            "(0, 0) left the display"
        );
        matrix.shift(2, 2, false).expect("shift");
        assert_eq!(
            matrix.shows().matches('#').count(),
            0,
            "(6, 6) went off the edge"
        );
    }

    #[test]
    fn shift_with_wrap_moves_every_pixel_round() {
        let mut matrix = frame(BackpackKind::Matrix16x8, 1);
        matrix.set_pixel(0, 0, Color::Green).expect("pixel");
        matrix.set_pixel(15, 7, Color::Green).expect("pixel");
        let before = matrix.clone();
        matrix.shift(-1, -1, true).expect("shift");
        assert_eq!(
            matrix.pixel(15, 7).ok(),
            Some(Color::Green),
            "(0, 0) wrapped"
        );
        assert_eq!(matrix.pixel(14, 6).ok(), Some(Color::Green));
        assert_eq!(matrix.pixel(0, 0).ok(), Some(Color::Off));
        matrix.shift(17, 9, true).expect("shift round and one more");
        assert_eq!(matrix, before);
    }

    #[test]
    fn lines_rectangles_and_colours_on_the_bicolour_matrix() {
        let mut matrix = frame(BackpackKind::Bicolor8x8, 1);
        matrix
            .draw_rect((1, 1), (6, 5), Color::Red, false)
            .expect("rect");
        matrix
            .draw_line((0, 0), (7, 7), Color::Yellow)
            .expect("line");
        let expected = [
            "Y.......", ".YRRRRR.", ".RY...R.", ".R.Y..R.", ".R..Y.R.", ".RRRRYR.", "......Y.",
            ".......Y",
        ];
        assert_eq!(matrix.shows(), picture(&expected));
        matrix
            .draw_rect((2, 2), (3, 2), Color::Green, true)
            .expect("filled");
        assert_eq!(matrix.shows().lines().nth(2), Some(".RGGG.R."));
        matrix.fill(Color::Off).expect("fill");
        assert_eq!(matrix, frame(BackpackKind::Bicolor8x8, 1));
        matrix.fill(Color::Red).expect("fill");
        assert!(matrix.shows().chars().all(|c| c == 'R' || c == '\n'));
    }

    #[test]
    fn shapes_span_a_chain_clip_at_its_edges_and_follow_its_rotation() {
        let mut chain = frame(BackpackKind::Matrix8x8, 2);
        chain
            .draw_line((-5, 3), (40, 3), Color::Green)
            .expect("line");
        assert_eq!(chain.shows().lines().nth(3), Some("################"));
        // Both backpacks got their half: byte 6 (row 3) of each is full.
        assert!(chain.ram().iter().all(|image| image[6] == 0xFF));
        let mut turned = frame(BackpackKind::Matrix16x8, 1);
        turned.set_rotation(Rotation::Quarter).expect("rotate");
        assert_eq!(turned.pixel_size(), (8, 16));
        turned
            .draw_rect((0, 0), (8, 16), Color::Green, false)
            .expect("rect");
        // The outline of the turned display is the outline of the matrix.
        turned.set_rotation(Rotation::None).expect("unrotate");
        let lines: Vec<String> = turned.shows().lines().map(String::from).collect();
        assert_eq!(lines[0], "################");
        assert_eq!(lines[7], "################");
        assert_eq!(lines[3], "#..............#");
    }

    #[test]
    fn text_fits_or_is_refused_and_is_clipped_where_placed() {
        let mut wide = frame(BackpackKind::Matrix16x8, 1);
        wide.print_text("HI!")
            .expect("three characters on 16 pixels");
        let shown = wide.shows();
        assert_eq!(shown.lines().nth(1), Some("#..#..###...#..."));
        let before = wide.clone();
        assert!(matches!(
            wide.print_text("HI!!"),
            Err(Error::DoesNotFit(..))
        ));
        assert!(matches!(
            wide.print_text("H\u{e9}"),
            Err(Error::NoGlyph('\u{e9}'))
        ));
        assert_eq!(wide, before, "a refused text changes nothing");
        wide.print_right("1").expect("right");
        assert!(wide
            .shows()
            .lines()
            .all(|line| line.starts_with("...........")));
        assert!(
            wide.shows().lines().any(|line| line[11..].contains('#')),
            "the digit is in the last five columns"
        );
        assert!(matches!(
            wide.print_text("ABCD"),
            Err(Error::DoesNotFit(_, 3))
        ));
        // Exactly as wide as the chain fits: 16 characters on five 16x8 matrices.
        let mut long = frame(BackpackKind::Matrix16x8, 5);
        long.print_text("ABCDEFGHIJKLMNOP")
            .expect("80 pixels on 80");
        assert!(long.print_text("ABCDEFGHIJKLMNOPQ").is_err());
        let mut small = frame(BackpackKind::Matrix8x8, 1);
        small
            .draw_text((6, 0), "HI", Color::Green)
            .expect("clipped text is drawn where it is on the display");
        assert_eq!(small.shows().lines().nth(1), Some("......#."));
        assert_eq!(text_width("HI"), 10);
    }

    #[test]
    fn kinds_without_pixels_refuse_every_shape() {
        for kind in [
            BackpackKind::Seg7,
            BackpackKind::Alphanumeric,
            BackpackKind::Bargraph24,
        ] {
            let mut other = frame(kind, 1);
            let not_a_matrix =
                |result: Result<()>| matches!(result, Err(Error::InvalidArgument(_)));
            assert!(not_a_matrix(other.fill(Color::Green)));
            assert!(not_a_matrix(other.draw_line((0, 0), (1, 1), Color::Green)));
            assert!(not_a_matrix(other.draw_rect(
                (0, 0),
                (1, 1),
                Color::Green,
                true
            )));
            assert!(not_a_matrix(other.draw_circle(
                (0, 0),
                1,
                Color::Green,
                true
            )));
            assert!(not_a_matrix(other.shift(1, 0, true)));
            assert!(not_a_matrix(other.draw_text((0, 0), "A", Color::Green)));
            assert_eq!(other, frame(kind, 1));
        }
        let mut matrix = frame(BackpackKind::Matrix8x8, 1);
        assert!(matches!(
            matrix.draw_circle((0, 0), u32::MAX, Color::Green, false),
            Err(Error::InvalidArgument(_))
        ));
        // +-4095 is taken, also at its extremes and every way across (debug builds check
        // embedded-graphics' arithmetic for overflow here); one more is refused.
        let refused = |result: Result<()>| matches!(result, Err(Error::InvalidArgument(_)));
        let far = [-4095, 0, 4095];
        for x0 in far {
            for y0 in far {
                for x1 in far {
                    for y1 in far {
                        let line = matrix.draw_line((x0, y0), (x1, y1), Color::Green);
                        assert!(!refused(line), "({x0}, {y0}) to ({x1}, {y1})");
                    }
                }
            }
        }
        for edge in [4095, -4095] {
            assert!(!refused(matrix.draw_text((edge, edge), "AB", Color::Green)));
            for filled in [false, true] {
                let circle = matrix.draw_circle((edge, -edge), 4095, Color::Green, filled);
                assert!(!refused(circle));
                let rect = matrix.draw_rect((edge, edge), (4095, 4095), Color::Green, filled);
                assert!(!refused(rect));
            }
        }
        for beyond in [4096, -4096, i32::MIN] {
            assert!(refused(matrix.draw_line((beyond, 0), (0, 0), Color::Green)));
            assert!(refused(matrix.draw_line((0, 0), (0, beyond), Color::Green)));
            assert!(refused(matrix.draw_text((beyond, 0), "A", Color::Green)));
        }
        assert!(refused(matrix.draw_rect(
            (0, 0),
            (4096, 1),
            Color::Green,
            false
        )));
        assert!(refused(matrix.draw_rect(
            (0, 0),
            (1, 4096),
            Color::Green,
            false
        )));
        assert!(refused(matrix.draw_circle(
            (0, 0),
            4096,
            Color::Green,
            true
        )));
    }
}
