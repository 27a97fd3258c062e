//! What a chain of backpacks of one kind shows: one 16-byte display RAM image per
//! backpack, filled from text, numbers, segments, pixels or bars. No bus traffic here;
//! [`super::chain::Chain`] sends it.

use super::backpack::{BackpackKind, Color, Surface, DOTS_BYTE, DOT_COLON};
use super::commands::RAM_SIZE;
use super::font::{character, shape};
use super::number;
use crate::error::{Error, Result};

/// Most backpacks in one chain (the eight addresses 0x70-0x77).
pub const MAX_BACKPACKS: usize = 8;

/// How a matrix is mounted: its picture turned clockwise by a quarter turn each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Rotation {
    /// As printed on the board.
    #[default]
    None,
    /// A quarter turn clockwise.
    Quarter,
    /// Upside down.
    Half,
    /// Three quarter turns clockwise.
    ThreeQuarters,
}

impl Rotation {
    /// The rotation with C value `value` (0 to 3 quarter turns).
    pub fn from_index(value: i32) -> Result<Self> {
        match value {
            0 => Ok(Self::None),
            1 => Ok(Self::Quarter),
            2 => Ok(Self::Half),
            3 => Ok(Self::ThreeQuarters),
            _ => Err(Error::InvalidArgument("rotation")),
        }
    }

    /// Quarter turns, 0 to 3.
    pub const fn index(self) -> i32 {
        match self {
            Self::None => 0,
            Self::Quarter => 1,
            Self::Half => 2,
            Self::ThreeQuarters => 3,
        }
    }
}

/// Where text goes when it is shorter than the display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// From the first character on the left.
    Left,
    /// Ending at the last character on the right (numbers).
    Right,
}

/// Text laid out as character cells: segment patterns (with decimal points) and the
/// cells after which a colon was asked for.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Cells {
    /// One pattern per character.
    pub patterns: Vec<u16>,
    /// Indexes of the cells a ':' followed (7-segment kinds only; -1 before the first).
    pub colons: Vec<isize>,
}

/// Lays `text` out for `kind` in its font: see [`Frame::lay_out`] (which also knows the
/// chain's own glyphs).
pub fn lay_out(kind: BackpackKind, text: &str) -> Result<Cells> {
    lay_out_with(kind, &[], text)
}

/// Each character takes a cell, its shape from `glyphs` (custom shapes) or else the
/// kind's font; `.` lights the decimal point of the cell before it (or takes a blank
/// cell when there is none, or it has one); on 7-segment kinds `:` lights a colon
/// instead of taking a cell.
fn lay_out_with(kind: BackpackKind, glyphs: &[(char, u16)], text: &str) -> Result<Cells> {
    let point = kind.decimal_point();
    let mut cells = Cells::default();
    for c in text.chars() {
        match c {
            ':' if kind != BackpackKind::Alphanumeric => {
                cells.colons.push(cells.patterns.len() as isize - 1);
            }
            '.' => match cells.patterns.last_mut() {
                Some(last) if *last & point == 0 => *last |= point,
                _ => cells.patterns.push(point),
            },
            _ => {
                let custom = glyphs.iter().find(|(glyph, _)| *glyph == c);
                let pattern = custom
                    .map(|(_, pattern)| *pattern)
                    .or_else(|| shape(kind, c));
                cells.patterns.push(pattern.ok_or(Error::NoGlyph(c))?);
            }
        }
    }
    Ok(cells)
}

/// Most custom glyphs a chain holds ([`Frame::set_glyph`]).
pub const MAX_GLYPHS: usize = 8;

/// The display RAM images of a chain of `count` backpacks of one kind, left to right.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    kind: BackpackKind,
    rotation: Rotation,
    ram: Vec<[u8; RAM_SIZE]>,
    glyphs: Vec<(char, u16)>,
}

impl Frame {
    /// A blank frame for `count` (1 to 8) backpacks of `kind`.
    pub fn new(kind: BackpackKind, count: usize) -> Result<Self> {
        if !(1..=MAX_BACKPACKS).contains(&count) {
            return Err(Error::InvalidArgument("number of backpacks"));
        }
        Ok(Self {
            kind,
            rotation: Rotation::None,
            ram: vec![[0; RAM_SIZE]; count],
            glyphs: Vec::new(),
        })
    }

    /// A frame holding `ram` (one image per backpack, 1 to 8).
    pub fn from_ram(kind: BackpackKind, ram: &[[u8; RAM_SIZE]]) -> Result<Self> {
        let mut frame = Self::new(kind, ram.len())?;
        frame.ram.copy_from_slice(ram);
        Ok(frame)
    }

    /// The backpack kind.
    pub fn kind(&self) -> BackpackKind {
        self.kind
    }

    /// Number of backpacks.
    pub fn count(&self) -> usize {
        self.ram.len()
    }

    /// The RAM images, left to right.
    pub fn ram(&self) -> &[[u8; RAM_SIZE]] {
        &self.ram
    }

    /// Blanks everything.
    pub fn clear(&mut self) {
        self.ram.iter_mut().for_each(|image| *image = [0; RAM_SIZE]);
    }

    /// Gives `character` the raw segment `pattern` (as [`Frame::set_cell`] takes it) in
    /// everything this frame lays out from now on: text, numbers, times, scrolling; `None`
    /// gives it back its font's shape. For character kinds only; `.` and `:` are laid out,
    /// not drawn, and keep their meaning. EINVAL for other characters than printable
    /// ASCII, a bit the kind lacks, or a ninth glyph ([`MAX_GLYPHS`]); nothing changes then.
    pub fn set_glyph(&mut self, character: char, pattern: Option<u16>) -> Result<()> {
        self.segments_only()?;
        if !(' '..='~').contains(&character) || matches!(character, '.' | ':') {
            return Err(Error::InvalidArgument(
                "glyph character (printable ASCII but . and :)",
            ));
        }
        let existing = self
            .glyphs
            .iter()
            .position(|(glyph, _)| *glyph == character);
        match (pattern, existing) {
            (Some(pattern), _) if pattern & !self.kind.segment_bits() != 0 => Err(
                Error::InvalidArgument("segment pattern (a bit the kind lacks)"),
            ),
            (Some(pattern), Some(index)) => {
                self.glyphs[index].1 = pattern;
                Ok(())
            }
            (Some(_), None) if self.glyphs.len() >= MAX_GLYPHS => {
                Err(Error::InvalidArgument("glyphs (8 per chain at most)"))
            }
            (Some(pattern), None) => {
                self.glyphs.push((character, pattern));
                Ok(())
            }
            (None, Some(index)) => {
                self.glyphs.remove(index);
                Ok(())
            }
            (None, None) => Ok(()),
        }
    }

    /// The custom glyphs, in the order they were set.
    pub fn glyphs(&self) -> &[(char, u16)] {
        &self.glyphs
    }

    /// `text` laid out for this chain: see `lay_out_with`; the chain's own glyphs come
    /// before the font.
    pub fn lay_out(&self, text: &str) -> Result<Cells> {
        lay_out_with(self.kind, &self.glyphs, text)
    }

    /// Characters across the chain (0 for matrices and bargraphs).
    pub fn cells(&self) -> usize {
        match self.kind.surface() {
            Surface::Segments { cells, .. } => cells * self.count(),
            _ => 0,
        }
    }

    fn segments_only(&self) -> Result<usize> {
        match self.kind.surface() {
            Surface::Segments { cells, .. } => Ok(cells),
            _ => Err(Error::InvalidArgument(
                "backpack kind (not a character display)",
            )),
        }
    }

    /// Which backpack holds character `cell`, and its low and high RAM bytes.
    fn cell_location(&self, cell: usize) -> Result<(usize, usize, Option<usize>)> {
        let per = self.segments_only()?;
        let (low, high) = self
            .kind
            .cell_bytes(cell % per)
            .ok_or(Error::InvalidArgument("character position"))?;
        if cell / per >= self.count() {
            return Err(Error::InvalidArgument("character position"));
        }
        Ok((cell / per, low, high))
    }

    /// The segment pattern of character `cell` (0 = leftmost of the chain).
    pub fn cell(&self, cell: usize) -> Result<u16> {
        let (backpack, low, high) = self.cell_location(cell)?;
        let image = &self.ram[backpack];
        Ok(u16::from(image[low]) | high.map_or(0, |byte| u16::from(image[byte]) << 8))
    }

    /// Sets character `cell` to the raw segment `pattern` (bit 0 = segment A; the
    /// decimal point is 0x80 on 7 segments, 0x4000 on 14).
    pub fn set_cell(&mut self, cell: usize, pattern: u16) -> Result<()> {
        let (backpack, low, high) = self.cell_location(cell)?;
        if pattern & !self.kind.segment_bits() != 0 {
            return Err(Error::InvalidArgument(
                "segment pattern (a bit the kind lacks)",
            ));
        }
        let image = &mut self.ram[backpack];
        if let Some(byte) = high {
            image[byte] = (pattern >> 8) as u8;
        }
        image[low] = pattern as u8;
        Ok(())
    }

    /// The colon and dot bits of backpack `backpack` (7-segment kinds).
    pub fn dots(&self, backpack: usize) -> Result<u8> {
        self.dots_byte(backpack)
            .map(|byte| self.ram[backpack][byte])
    }

    /// Sets the colon and dot bits of backpack `backpack` ([`DOT_COLON`] and, on the
    /// 1.2", the other `DOT_*` bits).
    pub fn set_dots(&mut self, backpack: usize, mask: u8) -> Result<()> {
        let byte = self.dots_byte(backpack)?;
        if mask & !self.kind.dot_bits() != 0 {
            return Err(Error::InvalidArgument("dots (a dot the kind lacks)"));
        }
        self.ram[backpack][byte] = mask;
        Ok(())
    }

    /// Lights or darkens the colon of backpack `backpack`, other dots unchanged.
    pub fn set_colon(&mut self, backpack: usize, on: bool) -> Result<()> {
        let dots = match self.kind {
            // The 0.56" has no other dot on this byte: the whole byte is the colon.
            BackpackKind::Seg7 => 0,
            _ => self.dots(backpack)? & !DOT_COLON,
        };
        let dots = if on { dots | DOT_COLON } else { dots };
        self.set_dots(backpack, dots)
    }

    fn dots_byte(&self, backpack: usize) -> Result<usize> {
        if !matches!(self.kind, BackpackKind::Seg7 | BackpackKind::Seg7Large) {
            return Err(Error::InvalidArgument("backpack kind (no colon)"));
        }
        if backpack >= self.count() {
            return Err(Error::InvalidArgument("backpack index"));
        }
        Ok(DOTS_BYTE)
    }

    /// Shows laid-out `cells` across the chain, aligned as asked; every other cell
    /// blank and every colon dark (other dots kept). Nothing changes on an error.
    pub fn show_cells(&mut self, cells: &Cells, align: Align) -> Result<()> {
        let total = self.cells();
        let per = self.segments_only()?;
        let used = cells.patterns.len();
        if used > total {
            return Err(Error::DoesNotFit(format!("{used} characters"), total));
        }
        // Colons are laid out on the 7-segment kinds only, which all have one per
        // backpack after its second cell. One before any cell is refused below.
        let first_colon = cells.colons.first().and_then(|c| usize::try_from(*c).ok());
        let offset = match (align, first_colon) {
            // The text moves right until the cell before its first colon is the one
            // left of a colon (the second of its backpack), if it still fits.
            (Align::Left, Some(before)) => {
                let offset = (per + 1 - before % per) % per;
                if offset + used <= total {
                    offset
                } else {
                    0
                }
            }
            (Align::Left, _) => 0,
            (Align::Right, _) => total - used,
        };
        let mut next = self.clone();
        for cell in 0..total {
            let pattern = match cell.checked_sub(offset) {
                Some(index) => cells.patterns.get(index).copied().unwrap_or(0),
                None => 0,
            };
            next.set_cell(cell, pattern)?;
        }
        if self.dots_byte(0).is_ok() {
            for backpack in 0..self.count() {
                next.set_colon(backpack, false)?;
            }
            let mut lit = Vec::with_capacity(cells.colons.len());
            for colon in &cells.colons {
                // A colon lights the colon of the backpack of the cell before it: one
                // before any cell, or a second one for a backpack, has none to light.
                let before = usize::try_from(*colon)
                    .map_err(|_| Error::InvalidArgument("text (a ':' before any character)"))?;
                let backpack = (offset + before) / per;
                if lit.contains(&backpack) {
                    return Err(Error::InvalidArgument(
                        "text (a second ':' for one backpack's colon)",
                    ));
                }
                lit.push(backpack);
                next.set_colon(backpack, true)?;
            }
        }
        *self = next;
        Ok(())
    }

    /// `text` from the left: see [`lay_out`]; on a 7-segment kind a text with a `:` starts
    /// where its first colon lands on a backpack's colon (" 1:23" for "1:23"), when it
    /// fits so. On matrices the text is drawn in pixels (see
    /// [`Frame::draw_text`](super::graphics)). A text longer than the display, or with
    /// a character the font has no shape for, changes nothing.
    pub fn print_text(&mut self, text: &str) -> Result<()> {
        self.print_aligned(text, Align::Left)
    }

    /// `text` ending at the right edge (as numbers are shown).
    pub fn print_right(&mut self, text: &str) -> Result<()> {
        self.print_aligned(text, Align::Right)
    }

    fn print_aligned(&mut self, text: &str, align: Align) -> Result<()> {
        if let Surface::Pixels { .. } = self.kind.surface() {
            return self.print_pixels(text, align == Align::Right);
        }
        self.segments_only()?;
        let cells = self.lay_out(text)?;
        if cells.patterns.len() > self.cells() {
            return Err(Error::DoesNotFit(text.to_string(), self.cells()));
        }
        self.show_cells(&cells, align)
    }

    /// A whole number, right-aligned.
    pub fn print_integer(&mut self, value: i64) -> Result<()> {
        self.segments_only()?;
        self.print_right(&number::integer(value, self.cells())?)
    }

    /// A number with `decimals` places (`None`: as many as fit), right-aligned; see
    /// [`number::decimal`] for the rounding.
    pub fn print_decimal(&mut self, value: f64, decimals: Option<usize>) -> Result<()> {
        self.segments_only()?;
        self.print_right(&number::decimal(value, decimals, self.cells())?)
    }

    /// A hexadecimal number, right-aligned.
    pub fn print_hex(&mut self, value: u64) -> Result<()> {
        self.segments_only()?;
        let upper = self.kind == BackpackKind::Alphanumeric;
        self.print_right(&number::hexadecimal(value, self.cells(), upper)?)
    }

    /// A time of day as `HH:MM` (hours 0 to 99 without a leading zero, minutes 0 to
    /// 59), right-aligned. `colon`: lit; on the alphanumeric backpack, which has no
    /// colon, the hours' last decimal point stands in for it.
    pub fn print_time(&mut self, hours: u32, minutes: u32, colon: bool) -> Result<()> {
        if hours > 99 || minutes > 59 {
            return Err(Error::InvalidArgument("time (hours 0-99, minutes 0-59)"));
        }
        let separator = match (colon, self.kind) {
            (false, _) => "",
            (true, BackpackKind::Alphanumeric) => ".",
            (true, _) => ":",
        };
        self.print_right(&format!("{hours:>2}{separator}{minutes:02}"))
    }

    /// The character a cell pattern shows, for reading a display back as text: the
    /// font's character, `.` appended for a decimal point, `?` for other patterns.
    pub fn read_cell(&self, pattern: u16) -> String {
        let point = self.kind.decimal_point();
        let body = pattern & !point;
        // Blank is the space's shape in both fonts, so it reads as ' '.
        let mut text = character(self.kind, body).map_or("?".to_string(), String::from);
        if pattern & point != 0 {
            text.push('.');
        }
        text
    }

    /// What the chain shows, as text: characters (with `.` and `:`) for character
    /// displays; for matrices one line of `#` and `.` per pixel row (colours as `R`,
    /// `G`, `Y`); for bargraphs one letter per bar (`R`, `G`, `Y`, `.`).
    pub fn shows(&self) -> String {
        match self.kind.surface() {
            Surface::Segments { cells, .. } => {
                let mut text = String::new();
                for cell in 0..self.cells() {
                    let pattern = self.cell(cell).unwrap_or(0);
                    text.push_str(&self.read_cell(pattern));
                    let colon = self.dots(cell / cells).unwrap_or(0) & DOT_COLON != 0;
                    if colon && cell % cells == 1 {
                        text.push(':');
                    }
                }
                text
            }
            Surface::Pixels { bicolor, .. } => {
                let (width, height) = self.pixel_size();
                let mut lines = Vec::new();
                for y in 0..height {
                    let line: String = (0..width)
                        .map(|x| match (self.pixel(x, y).unwrap_or_default(), bicolor) {
                            (Color::Off, _) => '.',
                            (_, false) => '#',
                            (Color::Red, true) => 'R',
                            (Color::Green, true) => 'G',
                            (Color::Yellow, true) => 'Y',
                        })
                        .collect();
                    lines.push(line);
                }
                lines.join("\n")
            }
            Surface::Bars { bars } => (0..bars * self.count())
                .map(|bar| match self.bar(bar).unwrap_or_default() {
                    Color::Off => '.',
                    Color::Red => 'R',
                    Color::Green => 'G',
                    Color::Yellow => 'Y',
                })
                .collect(),
        }
    }

    /// Sets how the matrices are mounted (each turned the same way; the chain still
    /// runs left to right).
    pub fn set_rotation(&mut self, rotation: Rotation) -> Result<()> {
        match self.kind.surface() {
            Surface::Pixels { .. } => {
                self.rotation = rotation;
                Ok(())
            }
            _ => Err(Error::InvalidArgument("backpack kind (not a matrix)")),
        }
    }

    /// The rotation.
    pub fn rotation(&self) -> Rotation {
        self.rotation
    }

    /// Pixels across and down the whole chain, as rotated.
    pub fn pixel_size(&self) -> (usize, usize) {
        match self.kind.surface() {
            Surface::Pixels { width, height, .. } => match self.rotation {
                Rotation::None | Rotation::Half => (width * self.count(), height),
                _ => (height * self.count(), width),
            },
            _ => (0, 0),
        }
    }

    /// The backpack and its own (unrotated) pixel for chain pixel (`x`, `y`).
    fn locate(&self, x: usize, y: usize) -> Result<(usize, usize, usize)> {
        let Surface::Pixels { width, height, .. } = self.kind.surface() else {
            return Err(Error::InvalidArgument("backpack kind (not a matrix)"));
        };
        let (across, down) = self.pixel_size();
        if x >= across || y >= down {
            return Err(Error::InvalidArgument("pixel position"));
        }
        let per = across / self.count();
        let (backpack, x) = (x / per, x % per);
        let (px, py) = match self.rotation {
            Rotation::None => (x, y),
            Rotation::Quarter => (width - 1 - y, x),
            Rotation::Half => (width - 1 - x, height - 1 - y),
            Rotation::ThreeQuarters => (y, height - 1 - x),
        };
        Ok((backpack, px, py))
    }

    /// Sets pixel (`x`, `y`) of the chain (0, 0 = top left as rotated).
    pub fn set_pixel(&mut self, x: usize, y: usize, color: Color) -> Result<()> {
        let (backpack, px, py) = self.locate(x, y)?;
        let [green, red] = self
            .kind
            .pixel_bits(px, py)
            .ok_or(Error::InvalidArgument("pixel position"))?;
        let bicolor = matches!(self.kind.surface(), Surface::Pixels { bicolor: true, .. });
        let image = &mut self.ram[backpack];
        let mut put = |(byte, bit): (usize, u8), on: bool| {
            if on {
                image[byte] |= bit;
            } else {
                image[byte] &= !bit;
            }
        };
        if bicolor {
            put(green, color.green());
            put(red, color.red());
        } else {
            put(green, color != Color::Off);
        }
        Ok(())
    }

    /// The colour of pixel (`x`, `y`); lit pixels of single-colour matrices read `Green`.
    pub fn pixel(&self, x: usize, y: usize) -> Result<Color> {
        let (backpack, px, py) = self.locate(x, y)?;
        let [(gb, gbit), (rb, rbit)] = self
            .kind
            .pixel_bits(px, py)
            .ok_or(Error::InvalidArgument("pixel position"))?;
        let image = &self.ram[backpack];
        let green = image[gb] & gbit != 0;
        let bicolor = matches!(self.kind.surface(), Surface::Pixels { bicolor: true, .. });
        Ok(Color::from_leds(bicolor && image[rb] & rbit != 0, green))
    }

    /// Draws a bitmap with its top left corner at (`x`, `y`): `height` rows of
    /// `ceil(width / 8)` bytes, most significant bit leftmost (the usual format of
    /// drawings in C source). Set bits take `color`, clear bits are left as they are.
    /// Pixels falling off the display are skipped. A row of pixels is a bitmap one high.
    pub fn draw_bitmap(
        &mut self,
        x: isize,
        y: isize,
        bitmap: &[u8],
        width: usize,
        height: usize,
        color: Color,
    ) -> Result<()> {
        let stride = width.div_ceil(8);
        if bitmap.len() < stride * height {
            return Err(Error::InvalidArgument("bitmap size"));
        }
        let (across, down) = self.pixel_size();
        if across == 0 {
            return Err(Error::InvalidArgument("backpack kind (not a matrix)"));
        }
        for row in 0..height {
            for column in 0..width {
                if bitmap[row * stride + column / 8] & (0x80 >> (column % 8)) == 0 {
                    continue;
                }
                let (px, py) = (x + column as isize, y + row as isize);
                if let (Ok(px), Ok(py)) = (usize::try_from(px), usize::try_from(py)) {
                    if px < across && py < down {
                        self.set_pixel(px, py, color)?;
                    }
                }
            }
        }
        Ok(())
    }

    /// Sets bar `bar` of the chain (0 = the first bar of the first backpack).
    pub fn set_bar(&mut self, bar: usize, color: Color) -> Result<()> {
        let (backpack, [red, green]) = self.bar_leds(bar)?;
        let image = &mut self.ram[backpack];
        for ((byte, bit), on) in [(red, color.red()), (green, color.green())] {
            if on {
                image[byte] |= bit;
            } else {
                image[byte] &= !bit;
            }
        }
        Ok(())
    }

    /// The colour of bar `bar`.
    pub fn bar(&self, bar: usize) -> Result<Color> {
        let (backpack, [(rb, rbit), (gb, gbit)]) = self.bar_leds(bar)?;
        let image = &self.ram[backpack];
        Ok(Color::from_leds(
            image[rb] & rbit != 0,
            image[gb] & gbit != 0,
        ))
    }

    fn bar_leds(&self, bar: usize) -> Result<(usize, [(usize, u8); 2])> {
        let Surface::Bars { bars } = self.kind.surface() else {
            return Err(Error::InvalidArgument("backpack kind (not a bargraph)"));
        };
        if bar >= bars * self.count() {
            return Err(Error::InvalidArgument("bar number"));
        }
        let leds = self
            .kind
            .bar_bits(bar % bars)
            .ok_or(Error::InvalidArgument("bar number"))?;
        Ok((bar / bars, leds))
    }

    /// Fills bars `0..lit` with `color` and darkens the rest: a level meter.
    pub fn set_level(&mut self, lit: usize, color: Color) -> Result<()> {
        let Surface::Bars { bars } = self.kind.surface() else {
            return Err(Error::InvalidArgument("backpack kind (not a bargraph)"));
        };
        let total = bars * self.count();
        if lit > total {
            return Err(Error::InvalidArgument("bar count"));
        }
        for bar in 0..total {
            self.set_bar(bar, if bar < lit { color } else { Color::Off })?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_laid_out_in_cells_with_points_and_colons() {
        let cells = lay_out(BackpackKind::Seg7, "1.2:3..").expect("layout");
        // 1 with its point, 2, 3 with its point, a blank with a point; a colon after 2.
        assert_eq!(cells.patterns, vec![0x86, 0x5B, 0xCF, 0x80]);
        assert_eq!(cells.colons, vec![1]);
        assert!(matches!(
            lay_out(BackpackKind::Seg7, "K"),
            Err(Error::NoGlyph('K'))
        ));
    }

    #[test]
    fn a_colon_in_text_lands_on_a_colon_when_it_fits() {
        let shows = |count: usize, text: &str| -> String {
            let mut frame = Frame::new(BackpackKind::Seg7, count).expect("frame");
            frame.print_text(text).expect("text");
            frame.shows()
        };
        assert_eq!(
            shows(1, "1:23"),
            " 1:23",
            "the colon after the second digit"
        );
        assert_eq!(shows(1, "12:34"), "12:34");
        assert_eq!(shows(1, "12:3"), "12:3 ");
        // Its first colon after the third character would need three blanks: no room.
        assert_eq!(shows(1, "123:4"), "12:34");
        // On a chain the colon of the first backpack it can reach.
        assert_eq!(shows(2, "1:23"), " 1:23    ");
        // The second backpack's colon, after its second digit: three blanks first.
        assert_eq!(shows(2, "123:45"), "   123:45");
        // Far along a chain: the fourth backpack's colon, after its second digit.
        assert_eq!(shows(4, "12345678901:2"), "   12345678901:2 ");
        assert_eq!(
            shows(2, "HI"),
            "H1      ",
            "without a colon, from the left (I reads 1)"
        );
        let mut large = Frame::new(BackpackKind::Seg7Large, 1).expect("frame");
        large.print_text("9:05").expect("text");
        assert_eq!(large.cell(0).ok(), Some(0), "the 1.2\" places it alike");
    }

    #[test]
    fn custom_glyphs_shape_text_numbers_and_scrolling_and_refuse_what_cannot_be() {
        let mut frame = Frame::new(BackpackKind::Seg7, 1).expect("frame");
        assert!(matches!(frame.print_text("KM"), Err(Error::NoGlyph('K'))));
        // A K drawn as an h (0x74), and a 7 with its top-left stroke (A, B, C and F).
        frame.set_glyph('K', Some(0x76 ^ 0x02)).expect("K");
        frame.set_glyph('7', Some(0x27)).expect("7");
        frame.print_text("K7").expect("text");
        assert_eq!(frame.cell(0).ok(), Some(0x74));
        assert_eq!(frame.cell(1).ok(), Some(0x27));
        frame.print_integer(77).expect("numbers too");
        assert_eq!(frame.cell(3).ok(), Some(0x27));
        // A point still merges into a custom glyph.
        frame.print_text("7.").expect("point");
        assert_eq!(frame.cell(0).ok(), Some(0xA7));
        let before = frame.clone();
        for (character, pattern) in [
            ('.', Some(1)),
            (':', Some(1)),
            ('\u{e9}', Some(1)),
            ('A', Some(0x100)),
        ] {
            assert!(matches!(
                frame.set_glyph(character, pattern),
                Err(Error::InvalidArgument(_))
            ));
        }
        assert_eq!(frame, before, "refused glyphs change nothing");
        for character in ['a', 'b', 'c', 'd', 'e', 'f'] {
            frame.set_glyph(character, Some(1)).expect("up to eight");
        }
        assert!(frame.set_glyph('g', Some(1)).is_err(), "a ninth");
        frame
            .set_glyph('a', Some(2))
            .expect("replacing one is not a ninth");
        frame.set_glyph('7', None).expect("back to the font");
        frame.print_text("7").expect("font 7");
        assert_eq!(frame.cell(0).ok(), Some(0x07));
        assert_eq!(frame.glyphs().len(), 7);
        let mut matrix = Frame::new(BackpackKind::Matrix8x8, 1).expect("matrix");
        assert!(
            matrix.set_glyph('A', Some(1)).is_err(),
            "matrices draw a pixel font"
        );
        let mut alpha = Frame::new(BackpackKind::Alphanumeric, 1).expect("alpha");
        alpha.set_glyph('A', Some(0x7FFF)).expect("15 bits");
        assert!(alpha.set_glyph('A', Some(0x8000)).is_err());
    }
    use crate::ht16k33::backpack::{DOT_LEFT_LOWER, DOT_LEFT_UPPER, DOT_UPPER};

    fn seg7(count: usize) -> Frame {
        Frame::new(BackpackKind::Seg7, count).expect("frame")
    }

    #[test]
    fn numbers_are_right_aligned_in_the_digit_bytes() {
        let mut frame = seg7(1);
        frame.print_integer(-12).expect("fits");
        // blank, '-' 0x40, '1' 0x06, '2' 0x5B at bytes 0, 2, 6, 8; colon byte 4 dark.
        assert_eq!(
            frame.ram()[0][..10],
            [0, 0, 0x40, 0, 0, 0, 0x06, 0, 0x5B, 0]
        );
        assert_eq!(frame.shows(), " -12");
        frame.print_decimal(9.996, Some(2)).expect("fits");
        assert_eq!(frame.shows(), "10.00");
        assert_eq!(frame.ram()[0][2], 0x3F | 0x80, "the point rides on the 0");
        frame.print_decimal(0.0, Some(0)).expect("fits");
        assert_eq!(frame.shows(), "   0");
        frame.print_hex(0xBEEF).expect("fits");
        assert_eq!(frame.shows(), "bEEF");
    }

    #[test]
    fn what_does_not_fit_changes_nothing() {
        let mut frame = seg7(1);
        frame.print_text("12:34").expect("fits");
        let before = frame.clone();
        assert!(matches!(
            frame.print_integer(12345),
            Err(Error::DoesNotFit(..))
        ));
        assert!(matches!(
            frame.print_text("HEL K"),
            Err(Error::NoGlyph('K'))
        ));
        assert!(matches!(
            frame.print_decimal(f64::NAN, None),
            Err(Error::NotANumber(_))
        ));
        assert!(frame.print_text("12345").is_err());
        assert_eq!(frame, before);
        assert_eq!(frame.shows(), "12:34");
        assert_eq!(frame.ram()[0][4], 0x02);
    }

    #[test]
    fn text_points_and_colons() {
        let mut frame = seg7(1);
        frame.print_text("1..2").expect("fits");
        assert_eq!(frame.shows(), "1. .2 ");
        frame.print_text("").expect("empty blanks");
        assert_eq!(frame.ram()[0], [0; 16]);
        frame.print_text(".5").expect("fits");
        assert_eq!(frame.shows(), " .5  ");
        frame.print_time(9, 5, true).expect("time");
        assert_eq!(frame.shows(), " 9:05");
        frame.print_time(23, 59, false).expect("time");
        assert_eq!(frame.shows(), "2359");
        frame.print_time(99, 0, true).expect("99 hours is the most");
        assert_eq!(frame.shows(), "99:00");
        assert!(frame.print_time(100, 0, true).is_err());
        assert!(frame.print_time(12, 60, true).is_err());
    }

    #[test]
    fn chained_text_spans_backpacks() {
        let mut frame = seg7(2);
        frame.print_integer(-1234567).expect("fits on 8");
        assert_eq!(frame.shows(), "-1234567");
        assert_eq!(frame.ram()[0][0], 0x40);
        assert_eq!(frame.ram()[1][0], 0x66, "4 starts the second backpack");
        assert_eq!(frame.ram()[1][8], 0x07, "7 ends it");
    }

    #[test]
    fn chained_time_lights_the_right_backpacks_colon() {
        let mut frame = seg7(2);
        frame.print_time(12, 34, true).expect("time");
        assert_eq!(frame.shows(), "    12:34");
        assert_eq!(frame.dots(0).ok(), Some(0));
        assert_eq!(frame.dots(1).ok(), Some(0x02));
    }

    #[test]
    fn alphanumeric_cells_are_sixteen_bits() {
        let mut frame = Frame::new(BackpackKind::Alphanumeric, 2).expect("frame");
        frame.print_text("WAX.K:").expect("fits");
        // 'W' 0x2836 at bytes 0/1, 'A' 0x00F7, 'X' 0x2D00 | DP 0x4000, 'K' 0x2470, ':' 0x1200.
        assert_eq!(
            frame.ram()[0][..8],
            [0x36, 0x28, 0xF7, 0x00, 0x00, 0x6D, 0x70, 0x24]
        );
        assert_eq!(frame.ram()[1][..2], [0x00, 0x12]);
        assert_eq!(frame.shows(), "WAX.K:   ");
        frame.print_time(7, 30, true).expect("time");
        assert_eq!(frame.shows(), "     7.30");
        assert!(frame.set_colon(0, true).is_err(), "no colon LEDs");
    }

    #[test]
    fn a_colon_lights_the_backpack_of_the_character_before_it() {
        let mut frame = seg7(2);
        frame.print_text("1234:5678").expect("fits");
        assert_eq!(
            (frame.dots(0).ok(), frame.dots(1).ok()),
            (Some(0x02), Some(0))
        );
        frame.print_text("12345:678").expect("fits");
        assert_eq!(
            (frame.dots(0).ok(), frame.dots(1).ok()),
            (Some(0), Some(0x02))
        );
    }

    #[test]
    fn a_colon_with_nothing_to_light_is_refused_and_changes_nothing() {
        let mut frame = seg7(2);
        frame.print_text("12:34").expect("fits");
        let before = frame.clone();
        for text in ["1::2", ":1", ":", "12:34:56", "1:23:456"] {
            assert!(
                matches!(frame.print_text(text), Err(Error::InvalidArgument(_))),
                "{text}"
            );
            assert_eq!(frame, before, "{text}");
        }
        // One colon per backpack is fine, on each backpack of the chain.
        frame.print_text("1:2345:6").expect("one on each");
        assert_eq!(
            (frame.dots(0).ok(), frame.dots(1).ok()),
            (Some(0x02), Some(0x02))
        );
    }

    #[test]
    fn raw_cells_and_dots_refuse_bits_the_kind_does_not_have() {
        let mut alpha = Frame::new(BackpackKind::Alphanumeric, 1).expect("frame");
        alpha
            .set_cell(0, 0x7FFF)
            .expect("every segment and the point");
        let before = alpha.clone();
        assert!(
            alpha.set_cell(0, 0x8000).is_err(),
            "bit 15 is wired to nothing"
        );
        assert_eq!(alpha, before);
        let mut small = seg7(1);
        small.set_cell(3, 0xFF).expect("7 segments and the point");
        assert!(small.set_cell(3, 0x100).is_err());
        small.set_dots(0, DOT_COLON).expect("the colon");
        let before = small.clone();
        for mask in [DOT_UPPER, DOT_LEFT_UPPER, DOT_LEFT_LOWER, 0x01, 0x81, 0xE1] {
            assert!(small.set_dots(0, mask).is_err(), "{mask:#x} on the 0.56\"");
        }
        assert_eq!(small, before);
        let mut large = Frame::new(BackpackKind::Seg7Large, 1).expect("frame");
        let all = DOT_COLON | DOT_LEFT_UPPER | DOT_LEFT_LOWER | DOT_UPPER;
        large.set_dots(0, all).expect("every dot of the 1.2\"");
        assert_eq!(large.dots(0).ok(), Some(all));
        for mask in [0x01, 0x20, 0x81, 0xE1] {
            assert!(large.set_dots(0, mask).is_err(), "{mask:#x} on the 1.2\"");
        }
        assert_eq!(large.dots(0).ok(), Some(all));
    }

    #[test]
    fn the_small_backpacks_colon_byte_is_the_colon_alone() {
        // The old API's HT16K33_COLON_ON writes 0xFF there; printing clears all of it.
        let mut ram = [0u8; 16];
        ram[4] = 0xFF;
        let mut frame = Frame::from_ram(BackpackKind::Seg7, &[ram]).expect("frame");
        frame.set_colon(0, false).expect("colon off");
        assert_eq!(frame.dots(0).ok(), Some(0));
        frame.set_colon(0, true).expect("colon on");
        assert_eq!(frame.dots(0).ok(), Some(0x02));
        assert!(frame.dots(1).is_err(), "one backpack");
        assert!(frame.set_dots(1, 0x02).is_err());
        assert_eq!(frame.ram().len(), 1);
    }

    #[test]
    fn rotations_round_trip_their_c_values() {
        for index in 0..4 {
            let rotation = Rotation::from_index(index).expect("0 to 3");
            assert_eq!(rotation.index(), index);
        }
        assert!(Rotation::from_index(4).is_err());
        assert!(Rotation::from_index(-1).is_err());
        let mut frame = Frame::new(BackpackKind::Matrix8x8, 1).expect("frame");
        frame.set_rotation(Rotation::Quarter).expect("matrix");
        assert_eq!(frame.rotation(), Rotation::Quarter);
        // A quarter turn: (0, 0) is the board's (7, 0), byte 0 bit (7 + 7) mod 8 = 6.
        frame.set_pixel(0, 0, Color::Green).expect("pixel");
        assert_eq!(frame.ram()[0][0], 0x40);
        // (0, 2) is the board's (5, 0): byte 0, bit (5 + 7) mod 8 = 4.
        frame.set_pixel(0, 2, Color::Green).expect("pixel");
        assert_eq!(frame.ram()[0][0], 0x50);
        frame.clear();
        frame.set_rotation(Rotation::ThreeQuarters).expect("matrix");
        // Three quarters: (0, 0) is the board's (0, 7), byte 14 bit 7.
        frame.set_pixel(0, 0, Color::Green).expect("pixel");
        assert_eq!(frame.ram()[0][14], 0x80);
        // (2, 0) is the board's (0, 5): byte 10, bit 7.
        frame.set_pixel(2, 0, Color::Green).expect("pixel");
        assert_eq!(frame.ram()[0][10], 0x80);
    }

    #[test]
    fn large_seven_segment_dots() {
        let mut frame = Frame::new(BackpackKind::Seg7Large, 1).expect("frame");
        frame.set_dots(0, 0x04 | 0x10).expect("dots");
        frame.print_text("12:34").expect("fits");
        assert_eq!(
            frame.dots(0).ok(),
            Some(0x04 | 0x10 | 0x02),
            "other dots kept"
        );
        frame.set_colon(0, false).expect("colon");
        assert_eq!(frame.dots(0).ok(), Some(0x14));
    }

    #[test]
    fn raw_cells() {
        let mut frame = seg7(1);
        frame.set_cell(3, 0xFF).expect("raw");
        assert_eq!(frame.ram()[0][8], 0xFF);
        assert!(frame.set_cell(4, 1).is_err());
        assert!(frame.set_cell(0, 0x100).is_err(), "7 segments take 8 bits");
        let mut alpha = Frame::new(BackpackKind::Alphanumeric, 1).expect("frame");
        alpha.set_cell(1, 0x7FFF).expect("raw");
        assert_eq!(alpha.ram()[0][2..4], [0xFF, 0x7F]);
        assert_eq!(alpha.cell(1).ok(), Some(0x7FFF));
    }

    #[test]
    fn matrix_pixels_rotation_and_bitmaps() {
        let mut frame = Frame::new(BackpackKind::Matrix8x8, 1).expect("frame");
        frame.set_pixel(0, 0, Color::Green).expect("pixel");
        assert_eq!(frame.ram()[0][0], 0x80, "column 0 is ROW7");
        frame.clear();
        frame.set_rotation(Rotation::Half).expect("rotation");
        frame.set_pixel(0, 0, Color::Red).expect("pixel");
        // Upside down: physical (7, 7) = byte 14, bit (7+7) mod 8 = 6.
        assert_eq!(frame.ram()[0][14], 0x40);
        assert_eq!(frame.pixel(0, 0).ok(), Some(Color::Green));
        frame.clear();
        frame.set_rotation(Rotation::None).expect("rotation");
        frame
            .draw_bitmap(0, 1, &[0b1000_0001], 8, 1, Color::Green)
            .expect("row");
        assert_eq!(frame.shows().lines().nth(1), Some("#......#"));
        assert!(frame.set_pixel(8, 0, Color::Red).is_err());
        // Two rows, two columns, placed at (5, 2); the part off the edge is skipped.
        frame.clear();
        frame
            .draw_bitmap(5, 2, &[0b1100_0000, 0b0111_0000], 4, 2, Color::Green)
            .expect("bitmap");
        let shown = frame.shows();
        let rows: Vec<&str> = shown.lines().map(|row| &row[..8]).collect();
        assert_eq!(rows[2..4], [".....##.", "......##"]);
        assert!(
            frame
                .draw_bitmap(0, 0, &[0xFF], 8, 2, Color::Green)
                .is_err(),
            "2 rows need 2 bytes"
        );
        // Nine wide: two bytes a row; the second row's first pixel and ninth (off the
        // display), then a bitmap running off the left and right edges (the part past
        // them is skipped).
        frame.clear();
        frame
            .draw_bitmap(0, 0, &[0, 0, 0x80, 0x80], 9, 2, Color::Green)
            .expect("9 wide");
        assert_eq!(frame.shows().lines().nth(1), Some("#......."));
        frame.clear();
        frame
            .draw_bitmap(-1, 5, &[0b1100_0000], 2, 1, Color::Green)
            .expect("left edge");
        frame
            .draw_bitmap(6, 6, &[0b1111_0000], 4, 1, Color::Green)
            .expect("right edge");
        frame
            .draw_bitmap(3, 7, &[0x80, 0x80], 1, 2, Color::Green)
            .expect("bottom edge");
        let shown = frame.shows();
        let rows: Vec<&str> = shown.lines().collect();
        assert_eq!(rows[5..8], ["#.......", "......##", "...#...."]);
        let mut chain = Frame::new(BackpackKind::Matrix16x8, 2).expect("frame");
        assert_eq!(chain.pixel_size(), (32, 8));
        chain.set_pixel(17, 0, Color::Green).expect("pixel");
        assert_eq!(chain.ram()[1][0], 0x02);
        chain.set_rotation(Rotation::Quarter).expect("rotation");
        assert_eq!(chain.pixel_size(), (16, 16));
    }

    #[test]
    fn bicolor_and_bars() {
        let mut frame = Frame::new(BackpackKind::Bicolor8x8, 1).expect("frame");
        frame.set_pixel(3, 2, Color::Yellow).expect("pixel");
        assert_eq!(frame.ram()[0][4..6], [0x08, 0x08]);
        frame.set_pixel(3, 2, Color::Red).expect("pixel");
        assert_eq!(frame.ram()[0][4..6], [0x00, 0x08]);
        assert_eq!(frame.pixel(3, 2).ok(), Some(Color::Red));
        frame.set_pixel(3, 2, Color::Green).expect("pixel");
        assert_eq!(frame.pixel(3, 2).ok(), Some(Color::Green));
        assert_eq!(frame.pixel(4, 2).ok(), Some(Color::Off));
        let mut bars = Frame::new(BackpackKind::Bargraph24, 2).expect("frame");
        bars.set_bar(25, Color::Yellow).expect("bar");
        assert_eq!(bars.ram()[1][..2], [0x02, 0x02]);
        bars.set_level(3, Color::Green).expect("level");
        assert_eq!(&bars.shows()[..5], "GGG..");
        assert_eq!(bars.shows().len(), 48, "a letter for each bar of both");
        bars.set_level(48, Color::Red).expect("every bar of both");
        assert_eq!(bars.shows(), "R".repeat(48));
        bars.set_level(30, Color::Green).expect("into the second");
        assert_eq!(&bars.shows()[28..32], "GG..");
        assert!(bars.set_level(49, Color::Red).is_err());
        assert!(bars.set_bar(48, Color::Red).is_err());
        assert!(bars.print_text("1").is_err());
    }
}
