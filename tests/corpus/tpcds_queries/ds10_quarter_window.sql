-- Sales in a date window reached through the date dimension (q12 style).
select s_city, count(*) as sales, sum(ss_sales_price) as revenue
from store_sales
join date_dim on ss_sold_date_sk = d_date_sk
join store on ss_store_sk = s_store_sk
where d_date between date '1999-02-22' and date '1999-02-22' + interval '30' day
  and s_city in ('Midway', 'Fairview')
group by s_city
order by s_city;
