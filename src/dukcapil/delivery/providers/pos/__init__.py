from dukcapil.delivery.providers.pos.provider import PosProvider

__all__ = ["PosProvider"]
