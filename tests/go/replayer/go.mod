module gomap/tests/go/replayer

go 1.19
