;; The fused batch norm's loops (../batch-norm-math.ts) on tfjs-backend-wasm's
;; own heap (its memory is imported, so tensors are read and written in
;; place). x is channels-last, [rows, C]; per-channel arrays are f32 [C],
;; except the accumulators, f64 [C], which the caller zeroes. When C is a
;; multiple of 4, 4 channels go in one SIMD lane group (sums promoted to f64
;; lanes); otherwise the scalar loops run. All pointers are byte offsets.
;; `build-wasm.mjs` assembles it with a plain and with a shared memory.
(module
  (import "env" "memory" (memory 1 MEMORY_MAX))

  ;; acc[c] += Σ_r x[r, c]
  (func (export "sums") (param $x i32) (param $rows i32) (param $C i32) (param $acc i32)
    (local $i i32) (local $end i32) (local $c i32) (local $rowEnd i32) (local $v v128)
    (local.set $end (i32.shl (i32.mul (local.get $rows) (local.get $C)) (i32.const 2)))
    (local.set $rowEnd (i32.shl (local.get $C) (i32.const 2)))
    (if (i32.eqz (i32.and (local.get $C) (i32.const 3)))
      (then
        (block $done (loop $rowsLoop
          (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
          (local.set $c (i32.const 0))
          (loop $groups
            (local.set $v (v128.load (i32.add (local.get $x) (i32.add (local.get $i) (local.get $c)))))
            (call $addF64x4 (i32.add (local.get $acc) (i32.shl (local.get $c) (i32.const 1))) (local.get $v))
            (local.set $c (i32.add (local.get $c) (i32.const 16)))
            (br_if $groups (i32.lt_u (local.get $c) (local.get $rowEnd))))
          (local.set $i (i32.add (local.get $i) (local.get $rowEnd)))
          (br $rowsLoop))))
      (else
        (block $done1 (loop $each
          (br_if $done1 (i32.ge_u (local.get $i) (local.get $end)))
          (local.set $c (i32.const 0))
          (loop $chan
            (call $addF64
              (i32.add (local.get $acc) (i32.shl (local.get $c) (i32.const 1)))
              (f64.promote_f32 (f32.load (i32.add (local.get $x) (i32.add (local.get $i) (local.get $c))))))
            (local.set $c (i32.add (local.get $c) (i32.const 4)))
            (br_if $chan (i32.lt_u (local.get $c) (local.get $rowEnd))))
          (local.set $i (i32.add (local.get $i) (local.get $rowEnd)))
          (br $each))))))

  ;; acc[c] += Σ_r (x[r, c] − mean[c])²   (difference in f32, square and sum in f64)
  (func (export "centredSquares")
    (param $x i32) (param $rows i32) (param $C i32) (param $mean i32) (param $acc i32)
    (local $i i32) (local $end i32) (local $c i32) (local $rowEnd i32) (local $d v128) (local $a i32)
    (local $lo v128) (local $hi v128) (local $s f64)
    (local.set $end (i32.shl (i32.mul (local.get $rows) (local.get $C)) (i32.const 2)))
    (local.set $rowEnd (i32.shl (local.get $C) (i32.const 2)))
    (if (i32.eqz (i32.and (local.get $C) (i32.const 3)))
      (then
        (block $done (loop $rowsLoop
          (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
          (local.set $c (i32.const 0))
          (loop $groups
            (local.set $d
              (f32x4.sub
                (v128.load (i32.add (local.get $x) (i32.add (local.get $i) (local.get $c))))
                (v128.load (i32.add (local.get $mean) (local.get $c)))))
            (local.set $lo (f64x2.promote_low_f32x4 (local.get $d)))
            (local.set $hi
              (f64x2.promote_low_f32x4
                (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $d) (local.get $d))))
            (local.set $a (i32.add (local.get $acc) (i32.shl (local.get $c) (i32.const 1))))
            (v128.store (local.get $a)
              (f64x2.add (v128.load (local.get $a)) (f64x2.mul (local.get $lo) (local.get $lo))))
            (v128.store offset=16 (local.get $a)
              (f64x2.add (v128.load offset=16 (local.get $a)) (f64x2.mul (local.get $hi) (local.get $hi))))
            (local.set $c (i32.add (local.get $c) (i32.const 16)))
            (br_if $groups (i32.lt_u (local.get $c) (local.get $rowEnd))))
          (local.set $i (i32.add (local.get $i) (local.get $rowEnd)))
          (br $rowsLoop))))
      (else
        (block $done1 (loop $each
          (br_if $done1 (i32.ge_u (local.get $i) (local.get $end)))
          (local.set $c (i32.const 0))
          (loop $chan
            (local.set $s
              (f64.promote_f32
                (f32.sub
                  (f32.load (i32.add (local.get $x) (i32.add (local.get $i) (local.get $c))))
                  (f32.load (i32.add (local.get $mean) (local.get $c))))))
            (call $addF64
              (i32.add (local.get $acc) (i32.shl (local.get $c) (i32.const 1)))
              (f64.mul (local.get $s) (local.get $s)))
            (local.set $c (i32.add (local.get $c) (i32.const 4)))
            (br_if $chan (i32.lt_u (local.get $c) (local.get $rowEnd))))
          (local.set $i (i32.add (local.get $i) (local.get $rowEnd)))
          (br $each))))))

  ;; y[r, c] = (x[r, c] − mean[c])·gain[c] + bias[c]
  (func (export "normalize")
    (param $x i32) (param $rows i32) (param $C i32)
    (param $mean i32) (param $gain i32) (param $bias i32) (param $y i32)
    (local $i i32) (local $end i32) (local $c i32) (local $rowEnd i32) (local $k i32)
    (local.set $end (i32.shl (i32.mul (local.get $rows) (local.get $C)) (i32.const 2)))
    (local.set $rowEnd (i32.shl (local.get $C) (i32.const 2)))
    (if (i32.eqz (i32.and (local.get $C) (i32.const 3)))
      (then
        (block $done (loop $rowsLoop
          (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
          (local.set $c (i32.const 0))
          (loop $groups
            (local.set $k (i32.add (local.get $i) (local.get $c)))
            (v128.store (i32.add (local.get $y) (local.get $k))
              (f32x4.add
                (f32x4.mul
                  (f32x4.sub
                    (v128.load (i32.add (local.get $x) (local.get $k)))
                    (v128.load (i32.add (local.get $mean) (local.get $c))))
                  (v128.load (i32.add (local.get $gain) (local.get $c))))
                (v128.load (i32.add (local.get $bias) (local.get $c)))))
            (local.set $c (i32.add (local.get $c) (i32.const 16)))
            (br_if $groups (i32.lt_u (local.get $c) (local.get $rowEnd))))
          (local.set $i (i32.add (local.get $i) (local.get $rowEnd)))
          (br $rowsLoop))))
      (else
        (block $done1 (loop $each
          (br_if $done1 (i32.ge_u (local.get $i) (local.get $end)))
          (local.set $c (i32.const 0))
          (loop $chan
            (local.set $k (i32.add (local.get $i) (local.get $c)))
            (f32.store (i32.add (local.get $y) (local.get $k))
              (f32.add
                (f32.mul
                  (f32.sub
                    (f32.load (i32.add (local.get $x) (local.get $k)))
                    (f32.load (i32.add (local.get $mean) (local.get $c))))
                  (f32.load (i32.add (local.get $gain) (local.get $c))))
                (f32.load (i32.add (local.get $bias) (local.get $c)))))
            (local.set $c (i32.add (local.get $c) (i32.const 4)))
            (br_if $chan (i32.lt_u (local.get $c) (local.get $rowEnd))))
          (local.set $i (i32.add (local.get $i) (local.get $rowEnd)))
          (br $each))))))

  ;; accDy[c] += Σ_r dy[r, c];  accDyC[c] += Σ_r dy[r, c]·(x[r, c] − mean[c])   (f64 sums)
  (func (export "gradSums")
    (param $dy i32) (param $x i32) (param $rows i32) (param $C i32) (param $mean i32)
    (param $accDy i32) (param $accDyC i32)
    (local $i i32) (local $end i32) (local $c i32) (local $rowEnd i32) (local $k i32)
    (local $g v128) (local $p v128) (local $s f64)
    (local.set $end (i32.shl (i32.mul (local.get $rows) (local.get $C)) (i32.const 2)))
    (local.set $rowEnd (i32.shl (local.get $C) (i32.const 2)))
    (if (i32.eqz (i32.and (local.get $C) (i32.const 3)))
      (then
        (block $done (loop $rowsLoop
          (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
          (local.set $c (i32.const 0))
          (loop $groups
            (local.set $k (i32.add (local.get $i) (local.get $c)))
            (local.set $g (v128.load (i32.add (local.get $dy) (local.get $k))))
            (local.set $p
              (f32x4.mul (local.get $g)
                (f32x4.sub
                  (v128.load (i32.add (local.get $x) (local.get $k)))
                  (v128.load (i32.add (local.get $mean) (local.get $c))))))
            (call $addF64x4 (i32.add (local.get $accDy) (i32.shl (local.get $c) (i32.const 1))) (local.get $g))
            (call $addF64x4 (i32.add (local.get $accDyC) (i32.shl (local.get $c) (i32.const 1))) (local.get $p))
            (local.set $c (i32.add (local.get $c) (i32.const 16)))
            (br_if $groups (i32.lt_u (local.get $c) (local.get $rowEnd))))
          (local.set $i (i32.add (local.get $i) (local.get $rowEnd)))
          (br $rowsLoop))))
      (else
        (block $done1 (loop $each
          (br_if $done1 (i32.ge_u (local.get $i) (local.get $end)))
          (local.set $c (i32.const 0))
          (loop $chan
            (local.set $k (i32.add (local.get $i) (local.get $c)))
            (local.set $s (f64.promote_f32 (f32.load (i32.add (local.get $dy) (local.get $k)))))
            (call $addF64 (i32.add (local.get $accDy) (i32.shl (local.get $c) (i32.const 1))) (local.get $s))
            (call $addF64 (i32.add (local.get $accDyC) (i32.shl (local.get $c) (i32.const 1)))
              (f64.mul (local.get $s)
                (f64.promote_f32
                  (f32.sub
                    (f32.load (i32.add (local.get $x) (local.get $k)))
                    (f32.load (i32.add (local.get $mean) (local.get $c)))))))
            (local.set $c (i32.add (local.get $c) (i32.const 4)))
            (br_if $chan (i32.lt_u (local.get $c) (local.get $rowEnd))))
          (local.set $i (i32.add (local.get $i) (local.get $rowEnd)))
          (br $each))))))

  ;; dx[r, c] = k[c]·dy[r, c] + k1[c]·(x[r, c] − mean[c]) + k0[c]
  (func (export "gradInput")
    (param $dy i32) (param $x i32) (param $rows i32) (param $C i32) (param $mean i32)
    (param $kk i32) (param $k1 i32) (param $k0 i32) (param $dx i32)
    (local $i i32) (local $end i32) (local $c i32) (local $rowEnd i32) (local $k i32)
    (local.set $end (i32.shl (i32.mul (local.get $rows) (local.get $C)) (i32.const 2)))
    (local.set $rowEnd (i32.shl (local.get $C) (i32.const 2)))
    (if (i32.eqz (i32.and (local.get $C) (i32.const 3)))
      (then
        (block $done (loop $rowsLoop
          (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
          (local.set $c (i32.const 0))
          (loop $groups
            (local.set $k (i32.add (local.get $i) (local.get $c)))
            (v128.store (i32.add (local.get $dx) (local.get $k))
              (f32x4.add
                (f32x4.add
                  (f32x4.mul
                    (v128.load (i32.add (local.get $kk) (local.get $c)))
                    (v128.load (i32.add (local.get $dy) (local.get $k))))
                  (f32x4.mul
                    (v128.load (i32.add (local.get $k1) (local.get $c)))
                    (f32x4.sub
                      (v128.load (i32.add (local.get $x) (local.get $k)))
                      (v128.load (i32.add (local.get $mean) (local.get $c))))))
                (v128.load (i32.add (local.get $k0) (local.get $c)))))
            (local.set $c (i32.add (local.get $c) (i32.const 16)))
            (br_if $groups (i32.lt_u (local.get $c) (local.get $rowEnd))))
          (local.set $i (i32.add (local.get $i) (local.get $rowEnd)))
          (br $rowsLoop))))
      (else
        (block $done1 (loop $each
          (br_if $done1 (i32.ge_u (local.get $i) (local.get $end)))
          (local.set $c (i32.const 0))
          (loop $chan
            (local.set $k (i32.add (local.get $i) (local.get $c)))
            (f32.store (i32.add (local.get $dx) (local.get $k))
              (f32.add
                (f32.add
                  (f32.mul
                    (f32.load (i32.add (local.get $kk) (local.get $c)))
                    (f32.load (i32.add (local.get $dy) (local.get $k))))
                  (f32.mul
                    (f32.load (i32.add (local.get $k1) (local.get $c)))
                    (f32.sub
                      (f32.load (i32.add (local.get $x) (local.get $k)))
                      (f32.load (i32.add (local.get $mean) (local.get $c))))))
                (f32.load (i32.add (local.get $k0) (local.get $c)))))
            (local.set $c (i32.add (local.get $c) (i32.const 4)))
            (br_if $chan (i32.lt_u (local.get $c) (local.get $rowEnd))))
          (local.set $i (i32.add (local.get $i) (local.get $rowEnd)))
          (br $each))))))

  ;; f64 acc[0..3] (32 bytes at $p) += the 4 f32 lanes of $v
  (func $addF64x4 (param $p i32) (param $v v128)
    (v128.store (local.get $p)
      (f64x2.add (v128.load (local.get $p)) (f64x2.promote_low_f32x4 (local.get $v))))
    (v128.store offset=16 (local.get $p)
      (f64x2.add (v128.load offset=16 (local.get $p))
        (f64x2.promote_low_f32x4
          (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))))))

  ;; f64 at $p += $v
  (func $addF64 (param $p i32) (param $v f64)
    (f64.store (local.get $p) (f64.add (f64.load (local.get $p)) (local.get $v)))))
