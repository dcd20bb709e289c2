function main(env) {}
