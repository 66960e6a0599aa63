//! The steering program: a reuseport socket filter that finds a SIP
//! datagram's Call-ID (`Call-ID:` or `i:`, any case, at a line's start)
//! and returns FNV-1a of its value modulo the shard count, the socket
//! index of the shard that owns the call; the same hash as
//! [`crate::sip::shard_of`]. A datagram it cannot place (no Call-ID in its
//! first [`SCAN`] bytes, an unusual form such as a space before the colon)
//! gets an index out of range, and the kernel picks a socket by its
//! address hash instead: the shard that reads it hands it over.

use super::insn::{Alu, Asm, Cond, Size};

/// Bytes of a datagram the program looks through for the Call-ID.
pub const SCAN: i32 = 2048;

/// FNV-1a 64-bit offset basis and prime (as in `sip::shard_of`).
const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
/// The prime is 2^40 + 0x1b3: `h * p` is `(h << 40) + h * 0x1b3`, since
/// an ALU immediate holds 32 bits.
const FNV_LOW: i32 = 0x1b3;

/// Most spaces or tabs read before a Call-ID's value.
const BLANKS: i32 = 16;
/// Longest Call-ID hashed (longer: the kernel picks, then a hand-over).
const MAX_CALL_ID: i32 = 256;

// Registers: the context, the line scan's position and end; in the
// value, the count read past its start (END is free by then) and the hash.
const CTX: u8 = 6;
const AT: u8 = 7;
const END: u8 = 8;
const J: u8 = 8;
const HASH: u8 = 9;

/// The program's instructions for `shards` sockets.
pub fn call_id_program(shards: u32) -> Vec<u64> {
    let mut a = Asm::default();
    let (compact, value, skip, start, byte, done, fail) = (
        a.label(),
        a.label(),
        a.label(),
        a.label(),
        a.label(),
        a.label(),
        a.label(),
    );
    // R6 = the context (LD_IND reads through it); END = min(len, SCAN).
    a.alu_x(Alu::Mov, CTX, 1);
    load_end(&mut a);
    // The start line is skipped like any line that is not the Call-ID.
    a.alu_k(Alu::Mov, AT, 0);
    let next = a.label();
    a.bind(next);
    // Each step of the line scan has 16 bytes ahead: every header test
    // below reads within them.
    a.alu_x(Alu::Mov, 1, AT);
    a.alu_k(Alu::Add, 1, 16);
    a.jmp_x(Cond::Gt, 1, END, fail);
    a.ld_ind(Size::B, AT, 0);
    a.alu_k(Alu::Add, AT, 1);
    // The line's end is the branch the verifier keeps for later (one
    // per byte scanned: at most 8,192 may wait).
    let header = a.label();
    a.jmp_k(Cond::Eq, 0, i32::from(b'\n'), header);
    a.ja(next);
    a.bind(header);
    // An empty line ends the headers: no Call-ID.
    a.ld_ind(Size::B, AT, 0);
    a.jmp_k(Cond::Eq, 0, i32::from(b'\r'), fail);
    a.jmp_k(Cond::Eq, 0, i32::from(b'\n'), fail);
    // Letters lowered by OR-ing in 0x20 (':' and '-' have it already).
    a.ld_ind(Size::H, AT, 0);
    a.alu_k(Alu::Or, 0, 0x2000);
    a.jmp_k(Cond::Eq, 0, 0x693a, compact); // "i:"
    a.ld_ind(Size::W, AT, 0);
    a.alu_k(Alu::Or, 0, 0x2020_2020);
    a.jmp_k(Cond::Ne, 0, 0x6361_6c6c, next); // "call"
    a.ld_ind(Size::W, AT, 4);
    a.alu_k(Alu::Or, 0, 0x2020_2020);
    a.jmp_k(Cond::Ne, 0, 0x2d69_643a, next); // "-id:"
    a.alu_k(Alu::Add, AT, 6);
    a.bind(compact);
    a.alu_k(Alu::Add, AT, 2);
    // The value is read at AT + J, J counting from 0 in each loop and AT
    // never compared again: the verifier walks these loops once, not once
    // per line position the scan above might have stopped at.
    a.alu_k(Alu::Mov, J, 0);
    a.bind(value);
    a.jmp_k(Cond::Ge, J, BLANKS, fail);
    a.alu_x(Alu::Mov, 1, AT);
    a.alu_x(Alu::Add, 1, J);
    a.ld_ind(Size::B, 1, 0);
    a.jmp_k(Cond::Eq, 0, i32::from(b' '), skip);
    a.jmp_k(Cond::Ne, 0, i32::from(b'\t'), start);
    a.bind(skip);
    a.alu_k(Alu::Add, J, 1);
    a.ja(value);
    // FNV-1a over the value, up to white space or the line's end (the
    // headers end with an empty line: reading stays in the datagram).
    a.bind(start);
    a.alu_x(Alu::Add, AT, J);
    a.alu_k(Alu::Mov, J, 0);
    a.ld_imm64(HASH, FNV_OFFSET);
    a.bind(byte);
    a.jmp_k(Cond::Ge, J, MAX_CALL_ID, fail);
    a.alu_x(Alu::Mov, 1, AT);
    a.alu_x(Alu::Add, 1, J);
    a.ld_ind(Size::B, 1, 0);
    for stop in [b' ', b'\t', b'\r', b'\n'] {
        a.jmp_k(Cond::Eq, 0, i32::from(stop), done);
    }
    a.alu_x(Alu::Xor, HASH, 0);
    a.alu_x(Alu::Mov, 1, HASH);
    a.alu_k(Alu::Lsh, 1, 40);
    a.alu_k(Alu::Mul, HASH, FNV_LOW);
    a.alu_x(Alu::Add, HASH, 1);
    a.alu_k(Alu::Add, J, 1);
    a.ja(byte);
    a.bind(done);
    a.alu_k(Alu::Mod, HASH, shards.max(1) as i32);
    a.alu_x(Alu::Mov, 0, HASH);
    a.exit();
    // Out of range: the kernel's own choice, then a hand-over.
    a.bind(fail);
    a.mov32_k(0, -1);
    a.exit();
    a.finish().unwrap_or_default()
}

/// `END = min(skb->len, SCAN)`.
fn load_end(a: &mut Asm) {
    let ok = a.label();
    a.ldx_w(END, CTX, 0);
    a.jmp_k(Cond::Le, END, SCAN, ok);
    a.alu_k(Alu::Mov, END, SCAN);
    a.bind(ok);
}
