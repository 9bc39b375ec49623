module github.com/tessera-array/tessera

go 1.26
