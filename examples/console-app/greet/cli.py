import sys

from colorize import green


def main() -> None:
    names = sys.argv[1:] or ["world"]
    for name in names:
        print(green(f"hello, {name}"))


if __name__ == "__main__":
    main()
