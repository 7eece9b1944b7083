;; The fused LIF loops of ../lif-math.ts, compiled to a small module that runs
;; on tfjs-backend-wasm's own heap (its memory is imported, so tensors are read
;; and written in place). Same operations in the same order: the forward pass
;; in f32 (bit for bit what lif-math.ts and the unfused tf ops give), the
;; backward pass in f64 like lif-math.ts. `build-wasm.mjs` assembles it
;; twice: with a plain memory and with the shared memory of the threaded build.
(module
  (import "env" "memory" (memory 1 MEMORY_MAX))

  ;; e^x in double precision without a call into JavaScript (which costs more
  ;; than the rest of the backward step): x = k·ln2 + r with |r| ≤ ln2/2
  ;; (Cody–Waite split of ln2), e^r by its Taylor series to r¹¹ (error < 1e-14
  ;; relative), times 2^k built in the exponent bits.
  (func $exp (param $x f64) (result f64)
    (local $k f64) (local $r f64)
    (local.set $x (f64.min (f64.max (local.get $x) (f64.const -708)) (f64.const 709)))
    (local.set $k (f64.nearest (f64.mul (local.get $x) (f64.const 1.4426950408889634))))
    (local.set $r
      (f64.sub
        (f64.sub (local.get $x) (f64.mul (local.get $k) (f64.const 0.6931471803691238)))
        (f64.mul (local.get $k) (f64.const 1.9082149292705877e-10))))
    (f64.mul
      (f64.add (f64.mul (f64.add (f64.mul (f64.add (f64.mul (f64.add (f64.mul (f64.add (f64.mul (f64.add (f64.mul (f64.add (f64.mul (f64.add (f64.mul (f64.add (f64.mul (f64.add (f64.mul (f64.add (f64.mul (f64.const 2.505210838544172e-08) (local.get $r)) (f64.const 2.755731922398589e-07)) (local.get $r)) (f64.const 2.7557319223985893e-06)) (local.get $r)) (f64.const 2.48015873015873e-05)) (local.get $r)) (f64.const 0.0001984126984126984)) (local.get $r)) (f64.const 0.001388888888888889)) (local.get $r)) (f64.const 0.008333333333333333)) (local.get $r)) (f64.const 0.041666666666666664)) (local.get $r)) (f64.const 0.16666666666666666)) (local.get $r)) (f64.const 0.5)) (local.get $r)) (f64.const 1.0)) (local.get $r)) (f64.const 1.0))
      (f64.reinterpret_i64
        (i64.shl (i64.add (i64.trunc_f64_s (local.get $k)) (i64.const 1023)) (i64.const 52)))))

  ;; kind: 0 IF (H = V + X), 1 decayInput, 2 input not decayed. soft: reset by subtraction.
  ;; Neurons [i0, n): the scalar loop (the SIMD one below does whole groups of 4).
  (func $forward1 (export "forward")
    (param $x i32) (param $v0 i32) (param $s i32) (param $h i32) (param $v i32)
    (param $n i32) (param $T i32) (param $kind i32) (param $soft i32)
    (param $tau f32) (param $thr f32) (param $vr f32) (param $i0 i32)
    (local $i i32) (local $t i32) (local $k i32) (local $stride i32)
    (local $vi f32) (local $xi f32) (local $hi f32)
    (local.set $i (local.get $i0))
    (local.set $stride (i32.shl (local.get $n) (i32.const 2)))
    (block $done
      (loop $neurons
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $k (i32.shl (local.get $i) (i32.const 2)))
        (local.set $vi (f32.load (i32.add (local.get $v0) (local.get $k))))
        (local.set $t (i32.const 0))
        (block $steps_done
          (loop $steps
            (br_if $steps_done (i32.ge_u (local.get $t) (local.get $T)))
            (local.set $xi (f32.load (i32.add (local.get $x) (local.get $k))))
            (if (i32.eqz (local.get $kind))
              (then (local.set $hi (f32.add (local.get $vi) (local.get $xi))))
              (else
                (if (i32.eq (local.get $kind) (i32.const 1))
                  (then
                    (local.set $hi
                      (f32.add (local.get $vi)
                        (f32.div
                          (f32.sub (local.get $xi) (f32.sub (local.get $vi) (local.get $vr)))
                          (local.get $tau)))))
                  (else
                    (local.set $hi
                      (f32.add
                        (f32.sub (local.get $vi)
                          (f32.div (f32.sub (local.get $vi) (local.get $vr)) (local.get $tau)))
                        (local.get $xi)))))))
            (f32.store (i32.add (local.get $h) (local.get $k)) (local.get $hi))
            (if (f32.ge (local.get $hi) (local.get $thr))
              (then
                (f32.store (i32.add (local.get $s) (local.get $k)) (f32.const 1))
                (if (local.get $soft)
                  (then (local.set $vi (f32.sub (local.get $hi) (local.get $thr))))
                  (else (local.set $vi (local.get $vr)))))
              (else
                (f32.store (i32.add (local.get $s) (local.get $k)) (f32.const 0))
                (local.set $vi (local.get $hi))))
            (local.set $k (i32.add (local.get $k) (local.get $stride)))
            (local.set $t (i32.add (local.get $t) (i32.const 1)))
            (br $steps)))
        (f32.store (i32.add (local.get $v) (i32.shl (local.get $i) (i32.const 2))) (local.get $vi))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $neurons))))

  ;; Surrogate derivative at x = H − θ. The ids are positions in
  ;; surrogate-ids.json, the table the TypeScript side reads too:
  ;; build-wasm.mjs writes the labels of each br_table from it, in order.
  (func $surrogate (param $id i32) (param $a f64) (param $x f64) (result f64)
    (local $e f64) (local $d f64) (local $ax f64)
    (local.set $ax (f64.abs (local.get $x)))
    (block $rect
      (block $fast-sigmoid
        (block $triangle
          (block $atan
            (block $sigmoid
              (br_table SURROGATE_LABELS (local.get $id)))
            ;; sigmoid: α·σ(αx)·(1 − σ(αx))
            (local.set $e
              (f64.div (f64.const 1)
                (f64.add (f64.const 1) (call $exp (f64.neg (f64.mul (local.get $a) (local.get $x)))))))
            (return (f64.mul (f64.mul (local.get $a) (local.get $e)) (f64.sub (f64.const 1) (local.get $e)))))
          ;; atan: (α/2) / (1 + (π/2·α·x)²)
          (local.set $d (f64.mul (f64.mul (f64.const 1.5707963267948966) (local.get $a)) (local.get $x)))
          (return
            (f64.div (f64.div (local.get $a) (f64.const 2))
              (f64.add (f64.const 1) (f64.mul (local.get $d) (local.get $d))))))
        ;; triangle: max(0, α − α²·|x|)
        (return
          (f64.max (f64.const 0)
            (f64.sub (local.get $a) (f64.mul (f64.mul (local.get $a) (local.get $a)) (local.get $ax))))))
      ;; fast-sigmoid: 1 / (1 + α|x|)²
      (local.set $d (f64.add (f64.const 1) (f64.mul (local.get $a) (local.get $ax))))
      (return (f64.div (f64.const 1) (f64.mul (local.get $d) (local.get $d)))))
    ;; rect: (1/α)·[|x| < α/2]
    (if (result f64) (f64.lt (local.get $ax) (f64.div (local.get $a) (f64.const 2)))
      (then (f64.div (f64.const 1) (local.get $a)))
      (else (f64.const 0))))

  (func $backward1 (export "backward")
    (param $dS i32) (param $dV i32) (param $dH i32) (param $h i32) (param $dx i32) (param $dv0 i32)
    (param $n i32) (param $T i32) (param $sg i32) (param $soft i32) (param $detach i32)
    (param $thr f64) (param $vr f64) (param $alpha f64) (param $dHdV f64) (param $dHdX f64) (param $i0 i32)
    (local $i i32) (local $t i32) (local $k i32) (local $stride i32)
    (local $gV f64) (local $hi f64) (local $s f64) (local $g f64) (local $dVdH f64) (local $gH f64)
    (local.set $i (local.get $i0))
    (local.set $stride (i32.shl (local.get $n) (i32.const 2)))
    (block $done
      (loop $neurons
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $gV (f64.promote_f32 (f32.load (i32.add (local.get $dV) (i32.shl (local.get $i) (i32.const 2))))))
        (local.set $k
          (i32.add (i32.shl (local.get $i) (i32.const 2))
            (i32.mul (i32.sub (local.get $T) (i32.const 1)) (local.get $stride))))
        (local.set $t (local.get $T))
        (block $steps_done
          (loop $steps
            (br_if $steps_done (i32.eqz (local.get $t)))
            (local.set $hi (f64.promote_f32 (f32.load (i32.add (local.get $h) (local.get $k)))))
            (local.set $s (select (f64.const 1) (f64.const 0) (f64.ge (local.get $hi) (local.get $thr))))
            (local.set $g (call $surrogate (local.get $sg) (local.get $alpha) (f64.sub (local.get $hi) (local.get $thr))))
            (if (local.get $soft)
              (then
                (local.set $dVdH
                  (select (f64.const 1)
                    (f64.sub (f64.const 1) (f64.mul (local.get $thr) (local.get $g)))
                    (local.get $detach))))
              (else
                (local.set $dVdH
                  (select (f64.sub (f64.const 1) (local.get $s))
                    (f64.add (f64.sub (f64.const 1) (local.get $s))
                      (f64.mul (f64.sub (local.get $vr) (local.get $hi)) (local.get $g)))
                    (local.get $detach)))))
            (local.set $gH
              (f64.add
                (f64.add
                  (f64.mul (f64.promote_f32 (f32.load (i32.add (local.get $dS) (local.get $k)))) (local.get $g))
                  (f64.mul (local.get $gV) (local.get $dVdH)))
                (f64.promote_f32 (f32.load (i32.add (local.get $dH) (local.get $k))))))
            (f32.store (i32.add (local.get $dx) (local.get $k)) (f32.demote_f64 (f64.mul (local.get $gH) (local.get $dHdX))))
            (local.set $gV (f64.mul (local.get $gH) (local.get $dHdV)))
            (local.set $k (i32.sub (local.get $k) (local.get $stride)))
            (local.set $t (i32.sub (local.get $t) (i32.const 1)))
            (br $steps)))
        (f32.store (i32.add (local.get $dv0) (i32.shl (local.get $i) (i32.const 2))) (f32.demote_f64 (local.get $gV)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $neurons))))
  ;; Neurons in groups of 4 (f32x4 lanes), then the scalar loop for the rest.
  ;; Forward: the same float32 operations per lane, so the same bits.
  (func (export "forward4")
    (param $x i32) (param $v0 i32) (param $s i32) (param $h i32) (param $v i32)
    (param $n i32) (param $T i32) (param $kind i32) (param $soft i32)
    (param $tau f32) (param $thr f32) (param $vr f32)
    (local $i i32) (local $n4 i32) (local $t i32) (local $k i32) (local $stride i32)
    (local $vi v128) (local $xi v128) (local $hi v128) (local $fired v128)
    (local $tau4 v128) (local $thr4 v128) (local $vr4 v128) (local $one4 v128)
    (local.set $n4 (i32.and (local.get $n) (i32.const -4)))
    (local.set $stride (i32.shl (local.get $n) (i32.const 2)))
    (local.set $tau4 (f32x4.splat (local.get $tau)))
    (local.set $thr4 (f32x4.splat (local.get $thr)))
    (local.set $vr4 (f32x4.splat (local.get $vr)))
    (local.set $one4 (f32x4.splat (f32.const 1)))
    (block $done
      (loop $neurons
        (br_if $done (i32.ge_u (local.get $i) (local.get $n4)))
        (local.set $k (i32.shl (local.get $i) (i32.const 2)))
        (local.set $vi (v128.load (i32.add (local.get $v0) (local.get $k))))
        (local.set $t (i32.const 0))
        (block $steps_done
          (loop $steps
            (br_if $steps_done (i32.ge_u (local.get $t) (local.get $T)))
            (local.set $xi (v128.load (i32.add (local.get $x) (local.get $k))))
            (if (i32.eqz (local.get $kind))
              (then (local.set $hi (f32x4.add (local.get $vi) (local.get $xi))))
              (else
                (if (i32.eq (local.get $kind) (i32.const 1))
                  (then
                    (local.set $hi
                      (f32x4.add (local.get $vi)
                        (f32x4.div
                          (f32x4.sub (local.get $xi) (f32x4.sub (local.get $vi) (local.get $vr4)))
                          (local.get $tau4)))))
                  (else
                    (local.set $hi
                      (f32x4.add
                        (f32x4.sub (local.get $vi)
                          (f32x4.div (f32x4.sub (local.get $vi) (local.get $vr4)) (local.get $tau4)))
                        (local.get $xi)))))))
            (local.set $fired (f32x4.ge (local.get $hi) (local.get $thr4)))
            (v128.store (i32.add (local.get $h) (local.get $k)) (local.get $hi))
            (v128.store (i32.add (local.get $s) (local.get $k)) (v128.and (local.get $fired) (local.get $one4)))
            (local.set $vi
              (v128.bitselect
                (if (result v128) (local.get $soft)
                  (then (f32x4.sub (local.get $hi) (local.get $thr4)))
                  (else (local.get $vr4)))
                (local.get $hi)
                (local.get $fired)))
            (local.set $k (i32.add (local.get $k) (local.get $stride)))
            (local.set $t (i32.add (local.get $t) (i32.const 1)))
            (br $steps)))
        (v128.store (i32.add (local.get $v) (i32.shl (local.get $i) (i32.const 2))) (local.get $vi))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $neurons)))
    (call $forward1 (local.get $x) (local.get $v0) (local.get $s) (local.get $h) (local.get $v)
      (local.get $n) (local.get $T) (local.get $kind) (local.get $soft)
      (local.get $tau) (local.get $thr) (local.get $vr) (local.get $n4)))

  ;; Backward in float32 lanes (the scalar loop runs in float64; both agree
  ;; with the unfused gradient to float32 rounding).
  (func (export "backward4")
    (param $dS i32) (param $dV i32) (param $dH i32) (param $h i32) (param $dx i32) (param $dv0 i32)
    (param $n i32) (param $T i32) (param $sg i32) (param $soft i32) (param $detach i32)
    (param $thr f64) (param $vr f64) (param $alpha f64) (param $dHdV f64) (param $dHdX f64)
    (local $i i32) (local $n4 i32) (local $t i32) (local $k i32) (local $stride i32)
    (local $gV v128) (local $hi v128) (local $s v128) (local $g v128) (local $dVdH v128) (local $gH v128)
    (local $thr4 v128) (local $vr4 v128) (local $one4 v128) (local $dHdV4 v128) (local $dHdX4 v128)
    (local $a f32) (local $a4 v128) (local $z v128) (local $e v128) (local $d v128) (local $k4 v128) (local $r v128)
    (local.set $n4 (i32.and (local.get $n) (i32.const -4)))
    (local.set $stride (i32.shl (local.get $n) (i32.const 2)))
    (local.set $thr4 (f32x4.splat (f32.demote_f64 (local.get $thr))))
    (local.set $vr4 (f32x4.splat (f32.demote_f64 (local.get $vr))))
    (local.set $one4 (f32x4.splat (f32.const 1)))
    (local.set $dHdV4 (f32x4.splat (f32.demote_f64 (local.get $dHdV))))
    (local.set $dHdX4 (f32x4.splat (f32.demote_f64 (local.get $dHdX))))
    (local.set $a (f32.demote_f64 (local.get $alpha)))
    (local.set $a4 (f32x4.splat (local.get $a)))
    (block $done
      (loop $neurons
        (br_if $done (i32.ge_u (local.get $i) (local.get $n4)))
        (local.set $gV (v128.load (i32.add (local.get $dV) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $k
          (i32.add (i32.shl (local.get $i) (i32.const 2))
            (i32.mul (i32.sub (local.get $T) (i32.const 1)) (local.get $stride))))
        (local.set $t (local.get $T))
        (block $steps_done
          (loop $steps
            (br_if $steps_done (i32.eqz (local.get $t)))
            (local.set $hi (v128.load (i32.add (local.get $h) (local.get $k))))
            (local.set $s (v128.and (f32x4.ge (local.get $hi) (local.get $thr4)) (local.get $one4)))
            ;; The surrogate, and for sigmoid e^x in float32 (Cody–Waite reduction,
            ;; Taylor series to r⁷: error ~1e-7 relative, float32's own; 2^k built
            ;; in the exponent bits), written out in the loop rather than called:
            ;; V8 in Node 20 does not inline wasm calls, and the calls per lane
            ;; group took half of this function's time (measured).
            (local.set $z (f32x4.sub (local.get $hi) (local.get $thr4)))
            (block $gDone
              (block $rect
                (block $fast-sigmoid
                  (block $triangle
                    (block $atan
                      (block $sigmoid
                        (br_table SURROGATE_LABELS (local.get $sg)))
                      ;; sigmoid: σ = 1 / (1 + e^(−αz)), g = α·σ·(1 − σ)
                      (local.set $d
                        (f32x4.min
                          (f32x4.max (f32x4.neg (f32x4.mul (local.get $a4) (local.get $z)))
                            (f32x4.splat (f32.const -87)))
                          (f32x4.splat (f32.const 88))))
                      (local.set $k4 (f32x4.nearest (f32x4.mul (local.get $d) (f32x4.splat (f32.const 1.4426950408889634)))))
                      (local.set $r
                        (f32x4.sub
                          (f32x4.sub (local.get $d) (f32x4.mul (local.get $k4) (f32x4.splat (f32.const 0.693359375))))
                          (f32x4.mul (local.get $k4) (f32x4.splat (f32.const -2.12194440e-4)))))
                      (local.set $e
                        (f32x4.mul
                          (f32x4.add (f32x4.mul (f32x4.add (f32x4.mul (f32x4.add (f32x4.mul (f32x4.add (f32x4.mul (f32x4.add (f32x4.mul (f32x4.add (f32x4.mul (f32x4.add (f32x4.mul (f32x4.splat (f32.const 0.0001984126984126984)) (local.get $r)) (f32x4.splat (f32.const 0.001388888888888889))) (local.get $r)) (f32x4.splat (f32.const 0.008333333333333333))) (local.get $r)) (f32x4.splat (f32.const 0.041666666666666664))) (local.get $r)) (f32x4.splat (f32.const 0.16666666666666666))) (local.get $r)) (f32x4.splat (f32.const 0.5))) (local.get $r)) (f32x4.splat (f32.const 1.0))) (local.get $r)) (f32x4.splat (f32.const 1.0)))
                          (i32x4.shl (i32x4.add (i32x4.trunc_sat_f32x4_s (local.get $k4)) (i32x4.splat (i32.const 127))) (i32.const 23))))
                      (local.set $e (f32x4.div (local.get $one4) (f32x4.add (local.get $one4) (local.get $e))))
                      (local.set $g
                        (f32x4.mul (f32x4.mul (local.get $a4) (local.get $e)) (f32x4.sub (local.get $one4) (local.get $e))))
                      (br $gDone))
                    ;; atan: (α/2) / (1 + (π/2·α·z)²)
                    (local.set $d (f32x4.mul (f32x4.splat (f32.mul (f32.const 1.5707963267948966) (local.get $a))) (local.get $z)))
                    (local.set $g
                      (f32x4.div (f32x4.splat (f32.div (local.get $a) (f32.const 2)))
                        (f32x4.add (local.get $one4) (f32x4.mul (local.get $d) (local.get $d)))))
                    (br $gDone))
                  ;; triangle: max(0, α − α²·|z|)
                  (local.set $g
                    (f32x4.max (f32x4.splat (f32.const 0))
                      (f32x4.sub (local.get $a4)
                        (f32x4.mul (f32x4.splat (f32.mul (local.get $a) (local.get $a))) (f32x4.abs (local.get $z))))))
                  (br $gDone))
                ;; fast sigmoid: 1 / (1 + α·|z|)²
                (local.set $d (f32x4.add (local.get $one4) (f32x4.mul (local.get $a4) (f32x4.abs (local.get $z)))))
                (local.set $g (f32x4.div (local.get $one4) (f32x4.mul (local.get $d) (local.get $d))))
                (br $gDone))
              ;; rect: [|z| < α/2] / α
              (local.set $g
                (v128.and
                  (f32x4.lt (f32x4.abs (local.get $z)) (f32x4.splat (f32.div (local.get $a) (f32.const 2))))
                  (f32x4.splat (f32.div (f32.const 1) (local.get $a))))))
            (if (local.get $soft)
              (then
                (local.set $dVdH
                  (if (result v128) (local.get $detach)
                    (then (local.get $one4))
                    (else (f32x4.sub (local.get $one4) (f32x4.mul (local.get $thr4) (local.get $g)))))))
              (else
                (local.set $dVdH
                  (if (result v128) (local.get $detach)
                    (then (f32x4.sub (local.get $one4) (local.get $s)))
                    (else
                      (f32x4.add (f32x4.sub (local.get $one4) (local.get $s))
                        (f32x4.mul (f32x4.sub (local.get $vr4) (local.get $hi)) (local.get $g))))))))
            (local.set $gH
              (f32x4.add
                (f32x4.add
                  (f32x4.mul (v128.load (i32.add (local.get $dS) (local.get $k))) (local.get $g))
                  (f32x4.mul (local.get $gV) (local.get $dVdH)))
                (v128.load (i32.add (local.get $dH) (local.get $k)))))
            (v128.store (i32.add (local.get $dx) (local.get $k)) (f32x4.mul (local.get $gH) (local.get $dHdX4)))
            (local.set $gV (f32x4.mul (local.get $gH) (local.get $dHdV4)))
            (local.set $k (i32.sub (local.get $k) (local.get $stride)))
            (local.set $t (i32.sub (local.get $t) (i32.const 1)))
            (br $steps)))
        (v128.store (i32.add (local.get $dv0) (i32.shl (local.get $i) (i32.const 2))) (local.get $gV))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $neurons)))
    (call $backward1 (local.get $dS) (local.get $dV) (local.get $dH) (local.get $h) (local.get $dx) (local.get $dv0)
      (local.get $n) (local.get $T) (local.get $sg) (local.get $soft) (local.get $detach)
      (local.get $thr) (local.get $vr) (local.get $alpha) (local.get $dHdV) (local.get $dHdX) (local.get $n4)))
)
