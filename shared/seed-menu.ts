/**
 * The default menu and stock a fresh system starts with, so a new user can order at once.
 * Price ids are placeholders for the embedded checkout; with Stripe, upsert items whose
 * price ids exist in your Stripe account.
 */
import type { MenuItem } from '../proto/gen/oms.ts'

export interface SeedItem extends MenuItem {
  stock: number
}

export const SEED_MENU: readonly SeedItem[] = [
  {
    id: 'burger',
    name: 'Classic burger',
    description: 'Beef patty, cheddar, pickles and house sauce in a brioche bun',
    priceId: 'price_burger',
    unitAmount: 950,
    currency: 'eur',
    stock: 100,
  },
  {
    id: 'veggie-wrap',
    name: 'Veggie wrap',
    description: 'Falafel, hummus, crunchy greens and tahini in a warm flatbread',
    priceId: 'price_veggie_wrap',
    unitAmount: 850,
    currency: 'eur',
    stock: 80,
  },
  {
    id: 'fries',
    name: 'Fries',
    description: 'Hand-cut, twice-fried, sea salt',
    priceId: 'price_fries',
    unitAmount: 350,
    currency: 'eur',
    stock: 200,
  },
  {
    id: 'lemonade',
    name: 'Lemonade',
    description: 'Freshly squeezed, lightly sweetened',
    priceId: 'price_lemonade',
    unitAmount: 300,
    currency: 'eur',
    stock: 150,
  },
  {
    id: 'brownie',
    name: 'Chocolate brownie',
    description: 'Dark chocolate and sea salt; limited batch baked each morning',
    priceId: 'price_brownie',
    unitAmount: 400,
    currency: 'eur',
    stock: 40,
  },
]
