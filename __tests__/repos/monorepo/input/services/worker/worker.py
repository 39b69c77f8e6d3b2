print("worker ready")
