module github.com/corogo/coro

go 1.26
