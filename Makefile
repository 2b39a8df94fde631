# Each target calls the npm script of the same name: one way to do each thing.
.PHONY: install start build test test-unit typecheck migrate sandbox bench

install:
	npm install

start:
	npm start

build:
	npm run build

test:
	npm test

test-unit:
	npm run test:unit

typecheck:
	npm run typecheck

migrate:
	npm run migrate

sandbox:
	npm run sandbox

bench:
	npm run bench
