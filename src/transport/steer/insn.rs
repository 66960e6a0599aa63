//! eBPF instructions, encoded by hand (the kernel's `struct bpf_insn`),
//! and a small assembler with labels for the jumps: enough to write the
//! steering program in Rust without clang or an eBPF toolchain.

/// A register: R0 (return value), R1-R5 (arguments, clobbered by calls
/// and by `LD_IND`), R6-R9 (kept), R10 (frame pointer).
pub type Reg = u8;

/// One 8-byte eBPF instruction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Insn {
    code: u8,
    dst: Reg,
    src: Reg,
    off: i16,
    imm: i32,
}

impl Insn {
    /// The kernel's layout: code, registers (dst in the low nibble), the
    /// offset and the immediate, little-endian.
    pub fn encode(self) -> u64 {
        u64::from(self.code)
            | u64::from(self.dst & 0xf) << 8
            | u64::from(self.src & 0xf) << 12
            | u64::from(self.off as u16) << 16
            | u64::from(self.imm as u32) << 32
    }
}

// Classes, sizes, modes and operations (linux/bpf_common.h, linux/bpf.h).
const LD: u8 = 0x00;
const LDX: u8 = 0x01;
const JMP: u8 = 0x05;
const ALU64: u8 = 0x07;
const ALU32: u8 = 0x04;
const IND: u8 = 0x40;
const MEM: u8 = 0x60;
const K: u8 = 0x00;
const X: u8 = 0x08;
const EXIT: u8 = 0x90;

/// Sizes of a load.
#[derive(Debug, Clone, Copy)]
pub enum Size {
    /// 1 byte.
    B = 0x10,
    /// 2 bytes (network order, as `LD_IND` reads them).
    H = 0x08,
    /// 4 bytes.
    W = 0x00,
}

/// ALU operations.
#[derive(Debug, Clone, Copy)]
pub enum Alu {
    Add = 0x00,
    Mul = 0x20,
    Or = 0x40,
    Lsh = 0x60,
    Mod = 0x90,
    Xor = 0xa0,
    Mov = 0xb0,
}

/// Conditional jumps (unsigned comparisons).
#[derive(Debug, Clone, Copy)]
pub enum Cond {
    Always = 0x00,
    Eq = 0x10,
    Gt = 0x20,
    Ge = 0x30,
    Ne = 0x50,
    Le = 0xb0,
}

/// A program being assembled: instructions, and jumps waiting for their
/// label's address.
#[derive(Debug, Default)]
pub struct Asm {
    insns: Vec<Insn>,
    labels: Vec<Option<usize>>,
    fixups: Vec<(usize, usize)>,
}

/// A jump target, placed once with [`Asm::bind`].
#[derive(Debug, Clone, Copy)]
pub struct Label(usize);

impl Asm {
    fn push(&mut self, code: u8, dst: Reg, src: Reg, off: i16, imm: i32) {
        self.insns.push(Insn {
            code,
            dst,
            src,
            off,
            imm,
        });
    }

    /// A new label, not yet placed.
    pub fn label(&mut self) -> Label {
        self.labels.push(None);
        Label(self.labels.len() - 1)
    }

    /// Places `l` at the next instruction.
    pub fn bind(&mut self, l: Label) {
        self.labels[l.0] = Some(self.insns.len());
    }

    /// `dst op= imm` (64-bit).
    pub fn alu_k(&mut self, op: Alu, dst: Reg, imm: i32) {
        self.push(ALU64 | K | op as u8, dst, 0, 0, imm);
    }

    /// `dst op= src` (64-bit).
    pub fn alu_x(&mut self, op: Alu, dst: Reg, src: Reg) {
        self.push(ALU64 | X | op as u8, dst, src, 0, 0);
    }

    /// `dst = imm` as 32 bits, zero-extended (`0xffff_ffff` stays positive).
    pub fn mov32_k(&mut self, dst: Reg, imm: i32) {
        self.push(ALU32 | K | Alu::Mov as u8, dst, 0, 0, imm);
    }

    /// `dst = imm` (64-bit, two instruction slots).
    pub fn ld_imm64(&mut self, dst: Reg, imm: u64) {
        self.push(LD | 0x18, dst, 0, 0, imm as u32 as i32);
        self.push(0, 0, 0, 0, (imm >> 32) as u32 as i32);
    }

    /// `R0 = packet[src + off]` in network order (R6 holds the context;
    /// R1-R5 are clobbered; out of the packet the program ends with 0).
    pub fn ld_ind(&mut self, size: Size, src: Reg, off: i32) {
        self.push(LD | IND | size as u8, 0, src, 0, off);
    }

    /// `dst = *(u32 *)(src + off)`.
    pub fn ldx_w(&mut self, dst: Reg, src: Reg, off: i16) {
        self.push(LDX | MEM | Size::W as u8, dst, src, off, 0);
    }

    /// `if dst cond imm goto l`.
    pub fn jmp_k(&mut self, cond: Cond, dst: Reg, imm: i32, l: Label) {
        self.fixups.push((self.insns.len(), l.0));
        self.push(JMP | K | cond as u8, dst, 0, 0, imm);
    }

    /// `if dst cond src goto l`.
    pub fn jmp_x(&mut self, cond: Cond, dst: Reg, src: Reg, l: Label) {
        self.fixups.push((self.insns.len(), l.0));
        self.push(JMP | X | cond as u8, dst, src, 0, 0);
    }

    /// `goto l`.
    pub fn ja(&mut self, l: Label) {
        self.jmp_k(Cond::Always, 0, 0, l);
    }

    /// Returns R0.
    pub fn exit(&mut self) {
        self.push(JMP | EXIT, 0, 0, 0, 0);
    }

    /// The instructions, every jump resolved; `None` when a label was
    /// never placed or a jump is out of an offset's reach.
    pub fn finish(mut self) -> Option<Vec<u64>> {
        for &(at, l) in &self.fixups {
            let to = self.labels[l]?;
            self.insns[at].off = i16::try_from(to as i64 - at as i64 - 1).ok()?;
        }
        Some(self.insns.iter().map(|i| i.encode()).collect())
    }
}
