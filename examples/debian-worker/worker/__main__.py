import time

from jobs import registered

from worker import NAME

if __name__ == "__main__":
    print(f"{NAME}: {len(registered())} jobs registered")
    while True:
        time.sleep(60)
