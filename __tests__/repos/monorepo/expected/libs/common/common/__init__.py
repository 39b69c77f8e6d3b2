def greeting(name):
    return f"hello from {name}"
