from common import greeting

print(greeting("api"))
