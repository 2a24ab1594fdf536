// Package derive is pixform's image engine for derived outputs: the pixels
// behind `derive`, `sheet` and `check` blocks. It is pure Go (no cgo, no
// external programs) and a leaf: it imports nothing of pixform's. The
// executor will call it once a source has landed (the lead wires it in);
// Validate, Describe and Fingerprint need no image, so whichever package
// checks blocks and computes fingerprints can call them too.
//
// Entry points:
//
//   - Derive: an []Op (Resize, Crop, CropCenter, Trim, Pad) and an Encoding
//     (PNG, JPEG with quality, WebP lossless or lossy with quality).
//     Validate and Encoding.Validate check them without an image; Apply
//     decodes a source, applies the operations and encodes the result, with
//     no metadata carried over. Transform and Encode are its two halves.
//   - Fingerprint: Describe is the canonical, versioned text of operations
//     and encoding (defaults filled in, the encoder's version included); Key
//     hashes it; Fingerprint adds the source's sha256. Bump DescribeVersion
//     or an entry of encoderVersions when output bytes could change.
//   - Sheet: Pack places []Sprite on one sheet (optional trim, padding,
//     max size, powers of two) deterministically; Sheet.Atlas writes the
//     TexturePacker JSON-hash atlas that Phaser and PixiJS read.
//   - Check: Measure an image file, then Check.Evaluate returns the
//     Violations (width, height, aspect ratio, alpha, bytes) with the
//     measured values.
//
// Errors have kinds for callers to branch on with errors.As: *OpError (an
// operation, with its index), *EncodingError, *SourceError (not a decodable
// image; errors.Is(err, ErrNotImage)), *SheetError (with the smallest sheet
// that fits), Violations.
//
// Every function is safe for concurrent use; Apply holds one decoded image
// (two during an operation) per call, so a pool of N workers holds at most
// 2N, each 4 bytes a pixel. Decoders are called by format rather than
// through image.Decode: both WebP encoders register a "webp" decoder with
// package image when imported, which changes what image.Decode picks for
// WebP elsewhere in the program (nativewebp's, a wrapper of x/image/webp,
// registered first as init order follows import paths).
//
// Libraries: golang.org/x/image/draw resamples; the standard library encodes
// PNG and JPEG; github.com/HugoSmits86/nativewebp (pure Go) encodes lossless
// WebP and github.com/gen2brain/webp (libwebp compiled to WASM, run by
// wazero) encodes lossy WebP. The README's "Derived outputs: libraries" says
// why these.
package derive
