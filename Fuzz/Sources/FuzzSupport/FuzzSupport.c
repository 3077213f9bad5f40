// The declaration in include/FuzzSupport.h is all there is; libFuzzer defines it.
